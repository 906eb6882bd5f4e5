package hearth.server.openai;

import hearth.server.backend.Backend;
import hearth.server.http.ApiError;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import io.javalin.http.Context;
import java.util.List;

/** {@code GET /v1/models}, {@code GET /v1/models/{id}} and {@code POST /v1/embeddings}. */
public final class ModelHandlers {
    private final Services s;
    private final long created = Ids.epochSeconds();

    public ModelHandlers(Services s) {
        this.s = s;
    }

    public void list(Context ctx) {
        Bodies.json(ctx, 200, new Wire.ModelList("list", List.of(card())));
    }

    public void get(Context ctx) {
        String id = ctx.pathParam("id");
        if (!id.equals(s.backend().modelId())) {
            throw ApiError.notFound("the model '" + id + "' does not exist", "model", "model_not_found");
        }
        Bodies.json(ctx, 200, card());
    }

    /** Generative models here have no pooling layer, so embeddings are refused after the request is validated. */
    public void embeddings(Context ctx) {
        Fields f = Fields.root(Json.parse(Bodies.read(ctx, s.config().maxBodyBytes())));
        s.checkModel(f.string("model"));
        f.required("input");
        throw ApiError.badRequest("the model '" + s.backend().modelId() + "' cannot pool token states into embeddings;"
                + " serve an embedding model for /v1/embeddings", "model", "model_not_supported");
    }

    private Wire.ModelCard card() {
        Backend.ModelInfo i = s.backend().info();
        return new Wire.ModelCard(s.backend().modelId(), "model", created, "hearth",
                new Wire.ModelMeta(i.architecture(), i.vocabSize(), i.trainedContext(), i.embeddingLength(), i.fileBytes(), i.contextSize()));
    }
}
