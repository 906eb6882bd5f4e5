package hearth.engine.ops;

import hearth.engine.model.ModelConfig;

/**
 * Rotary position embedding with llama.cpp's parameterisation (ggml rope_yarn): frequency base, optional per-pair
 * frequency factors ({@code rope_freqs.weight}, llama3 scaling), linear scaling and YaRN. Cos/sin are computed once per
 * position into a table and applied to every head of every layer.
 */
public final class Rope {
    private final int dims;
    private final boolean neox;
    private final float freqScale;
    private final float extFactor;
    private final float attnFactor;
    private final float corrLow;
    private final float corrHigh;
    private final float thetaScale;
    private final float[] freqFactors; // may be null

    public Rope(ModelConfig.Rope r, float[] freqFactors) {
        this.dims = r.dims();
        this.neox = r.neox();
        boolean scaled = r.scalingType().equals("linear") || r.scalingType().equals("yarn");
        this.freqScale = scaled && r.scalingFactor() > 0 ? 1.0f / r.scalingFactor() : 1.0f;
        this.extFactor = r.yarnExtFactor();
        this.attnFactor = r.attnFactor();
        // ggml: powf(freq_base, -2.0f / n_dims), the exponent rounded to float first
        this.thetaScale = (float) Math.pow(r.freqBase(), -2.0f / dims);
        float low = corrDim(dims, r.originalContext(), r.yarnBetaFast(), r.freqBase());
        float high = corrDim(dims, r.originalContext(), r.yarnBetaSlow(), r.freqBase());
        this.corrLow = (float) Math.max(0, Math.floor(low));
        this.corrHigh = (float) Math.min(dims - 1, Math.ceil(high));
        this.freqFactors = freqFactors;
    }

    private static float corrDim(int nDims, int nCtxOrig, float nRot, float base) {
        return (float) (nDims * Math.log(nCtxOrig / (nRot * 2 * Math.PI)) / (2 * Math.log(base)));
    }

    /** Size of one position's table: cos and sin for each of dims/2 pairs. */
    public int tableSize() {
        return dims;
    }

    /** Fills table[off ..] with cos/sin interleaved for position pos. */
    public void fill(int pos, float[] table, int off) {
        float theta = pos;
        for (int i0 = 0; i0 < dims; i0 += 2) {
            float thetaExtrap = freqFactors == null ? theta : theta / freqFactors[i0 / 2];
            float thetaInterp = freqScale * thetaExtrap;
            float t = thetaInterp;
            float mscale = attnFactor;
            if (extFactor != 0.0f) {
                float y = (i0 / 2 - corrLow) / Math.max(0.001f, corrHigh - corrLow);
                float rampMix = (1 - Math.min(1, Math.max(0, y))) * extFactor;
                t = thetaInterp * (1 - rampMix) + thetaExtrap * rampMix;
                mscale *= 1.0f + 0.1f * (float) Math.log(1.0f / freqScale);
            }
            table[off + i0] = LibmTrig.cosf(t) * mscale;
            table[off + i0 + 1] = LibmTrig.sinf(t) * mscale;
            theta *= thetaScale;
        }
    }

    /** Rotates {@code heads} heads of size headDim stored at x[off ..] with the cos/sin table at table[tOff ..]. */
    public void apply(float[] x, int off, int heads, int headDim, float[] table, int tOff) {
        int half = dims / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int i0 = 0; i0 < dims; i0 += 2) {
                float c = table[tOff + i0];
                float s = table[tOff + i0 + 1];
                int a = neox ? base + i0 / 2 : base + i0;
                int b = neox ? base + i0 / 2 + half : base + i0 + 1;
                float x0 = x[a];
                float x1 = x[b];
                // llama.cpp's x0*c - x1*s and x0*s + x1*c as gcc compiles them (fused multiply-adds, -ffp-contract=fast)
                x[a] = Math.fma(x0, c, -(x1 * s));
                x[b] = Math.fma(x0, s, x1 * c);
            }
        }
    }
}
