package hearth.engine.sample;

/** Indices of the k largest values, descending (ties: lower index first), in O(n log k). */
final class TopK {
    private TopK() {}

    static int[] indices(float[] v, int n, int k) {
        k = Math.min(k, n);
        if (k <= 0) return new int[0];
        int[] heap = new int[k]; // min-heap by value
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, v);
            } else if (v[i] > v[heap[0]]) {
                heap[0] = i;
                siftDown(heap, size, v);
            }
        }
        int[] out = new int[size];
        for (int i = size - 1; i >= 0; i--) {
            out[i] = heap[0];
            heap[0] = heap[i];
            siftDown(heap, i, v);
        }
        return out;
    }

    private static boolean less(float[] v, int a, int b) {
        return v[a] < v[b] || (v[a] == v[b] && a > b);
    }

    private static void siftUp(int[] h, int i, float[] v) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!less(v, h[i], h[p])) break;
            int t = h[i]; h[i] = h[p]; h[p] = t;
            i = p;
        }
    }

    private static void siftDown(int[] h, int size, float[] v) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && less(v, h[l], h[m])) m = l;
            if (r < size && less(v, h[r], h[m])) m = r;
            if (m == i) return;
            int t = h[i]; h[i] = h[m]; h[m] = t;
            i = m;
        }
    }
}
