package hearth.bench;

/** Live feedback while a run goes on; {@link #NONE} when quiet or not on a terminal. */
public interface Progress {
    Progress NONE = new Progress() {
        @Override
        public void start(String label, long total) {}

        @Override
        public void update(long done, long errors, long outputTokens, double elapsedSeconds) {}

        @Override
        public void finish() {}
    };

    /** A new phase; {@code total} requests expected, or -1 when the run is bounded by time only. */
    void start(String label, long total);

    void update(long done, long errors, long outputTokens, double elapsedSeconds);

    void finish();
}
