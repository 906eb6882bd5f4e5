package hearth.server.router;

/** The models directory or its presets file cannot be used as it is; the message names the file and the problem. */
public final class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }
}
