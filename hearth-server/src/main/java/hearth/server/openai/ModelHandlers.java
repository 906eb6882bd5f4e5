package hearth.server.openai;

import hearth.server.ServerConfig;
import hearth.server.backend.Backend;
import hearth.server.backend.EmbeddedBackend;
import hearth.server.http.ApiError;
import hearth.server.http.Bodies;
import hearth.server.http.Json;
import io.javalin.http.Context;
import java.util.List;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}} of a single-model server, and {@code POST /v1/embeddings}. */
public final class ModelHandlers {
    private final ModelSource models;
    private final ServerConfig config;
    private final long created = Ids.epochSeconds();

    public ModelHandlers(ModelSource models, ServerConfig config) {
        this.models = models;
        this.config = config;
    }

    public void list(Context ctx) {
        try (ModelSource.Scope scope = models.open(null)) {
            Bodies.json(ctx, 200, new Wire.ModelList("list", List.of(card(scope.services().backend()))));
        }
    }

    public void get(Context ctx) {
        String id = ctx.pathParam("id");
        try (ModelSource.Scope scope = models.open(null)) {
            EmbeddedBackend b = scope.services().backend();
            if (!id.equals(b.modelId())) throw ApiError.notFound("the model '" + id + "' does not exist", "model", "model_not_found");
            Bodies.json(ctx, 200, card(b));
        }
    }

    /** Generative models here have no pooling layer, so embeddings are refused after the request is validated. */
    public void embeddings(Context ctx) {
        Fields f = Fields.root(Json.parse(Bodies.read(ctx, config.maxBodyBytes())));
        String id;
        try (ModelSource.Scope scope = models.open(f.string("model"))) {
            id = scope.services().backend().modelId();
        }
        f.required("input");
        throw ApiError.badRequest("the model '" + id + "' cannot pool token states into embeddings;"
                + " serve an embedding model for /v1/embeddings", "model", "model_not_supported");
    }

    private Wire.ModelCard card(EmbeddedBackend b) {
        Backend.ModelInfo i = b.info();
        return new Wire.ModelCard(b.modelId(), "model", created, "hearth",
                new Wire.ModelMeta(i.architecture(), i.vocabSize(), i.trainedContext(), i.embeddingLength(), i.fileBytes(), i.contextSize()));
    }
}
