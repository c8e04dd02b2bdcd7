package dev.griddle.bench;

import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.Hit;
import dev.griddle.sdk.KnowledgeModels.SearchRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code knowledge}: hybrid search of a running server over {@code --chunks} (100,000) chunks, and
 * the memory its embedder and vector index take. First one real document goes in through the API
 * and is embedded, which loads the local model (the server's RSS before and after: the embedder's cost).
 * Then the chunks are seeded straight into the server's database (COPY: embedding 100,000 chunks
 * at the model's pace would take hours) as {@code --documents} organization documents of generated
 * text (words from a fixed vocabulary, Zipf-like, so full-text ranking has real work) with random
 * unit vectors of the local model's id and dimension, and announced with {@code NOTIFY} as the
 * server announces its own; the server's index takes them (watched on {@code /metrics}: the
 * index's cost). Then {@code --searches} searches over HTTP, one at a time, after {@code --warmup}:
 * latency as the client sees it. The seeded documents are deleted at the end.
 *
 * <p>Options: {@code --database-url} (default: the embedded PostgreSQL of {@code bench/start-server.sh},
 * from {@code PG_PORT} and {@code PGPASSWORD}), {@code --pid} the server's JVM alone ({@code $SERVER_PID})
 * for its RSS.
 */
final class KnowledgeSearch implements Scenario {

    private static final String MODEL = "local/all-minilm-l6-v2@384";
    private static final int DIMENSION = 384;
    private static final int FIRST_RANK = 150;
    private static final String[] VOCABULARY = vocabulary();

    @Override
    public void run(Bench bench) throws Exception {
        int chunks = (int) bench.options().longValue("chunks", 100_000, 1, 2_000_000);
        int documents = (int) bench.options().longValue("documents", 200, 1, 100_000);
        int searches = (int) bench.options().longValue("searches", 500, 1, 1_000_000);
        int warmup = (int) bench.options().longValue("warmup", 50, 0, 1_000_000);
        int topK = (int) bench.options().longValue("top-k", 10, 1, 100);
        String database = bench.options().string("database-url", defaultDatabaseUrl());

        phase(bench, "baseline", null);
        Document real = bench.griddle().knowledge().create(DocumentInput.text("bench-knowledge-" + UUID.randomUUID(),
                "# Kettle\n\nDescale the kettle every month with citric acid; error E-42 means the element is dry.", "org", null));
        awaitReady(bench, real.id());
        // its chunk's vector in the index: the embedder has loaded the model and run
        awaitIndex(bench, indexChunks(bench) + 1);
        long t0 = System.nanoTime();
        List<Hit> first = bench.griddle().knowledge().search(SearchRequest.of("how do I remove limescale?", "org", null));
        phase(bench, "model_loaded", line -> line.put("first_search_ms", Report.ms((System.nanoTime() - t0) / 1e6)).put("first_hits", first.size()));

        List<UUID> seeded = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(database)) {
            UUID org = orgOf(db, real.id());
            double before = indexChunks(bench);
            long s0 = System.nanoTime();
            seed(db, org, documents, chunks, seeded);
            double seedSeconds = (System.nanoTime() - s0) / 1e9;
            long l0 = System.nanoTime();
            awaitIndex(bench, before + chunks);
            double loadSeconds = (System.nanoTime() - l0) / 1e9;
            phase(bench, "index_loaded", line -> line.put("seeded_chunks", chunks).put("seed_s", Report.ms(seedSeconds))
                    .put("index_load_s", Report.ms(loadSeconds)).put("index_bytes", MetricsScrape.take(bench.url())
                            .valueOr("griddle_knowledge_index_bytes", "", Double.NaN)));

            SplittableRandom random = new SplittableRandom(7);
            Stats latency = new Stats();
            int hits = 0;
            bench.report().resetPeak();
            for (int i = 0; i < warmup + searches; i++) {
                String query = words(random, 2 + random.nextInt(4));
                long q0 = System.nanoTime();
                List<Hit> found = bench.griddle().knowledge().search(SearchRequest.of(query, "org", null).topK(topK));
                if (i >= warmup) {
                    latency.add((System.nanoTime() - q0) / 1e6);
                    hits += found.size();
                }
            }
            ObjectNode line = bench.report().line("knowledge-search", bench.options().parameters());
            line.remove("database-url");
            line.put("index_chunks", indexChunks(bench));
            line.put("searches", latency.count());
            line.put("mean_hits", Report.ms((double) hits / latency.count()));
            line.put("search_ms_p50", Report.ms(latency.percentile(50)));
            line.put("search_ms_p95", Report.ms(latency.percentile(95)));
            line.put("search_ms_p99", Report.ms(latency.percentile(99)));
            line.put("search_ms_max", Report.ms(latency.max()));
            bench.report().print(line);
        } finally {
            bench.griddle().knowledge().delete(real.id());
            if (!seeded.isEmpty()) {
                try (Connection db = DriverManager.getConnection(database); PreparedStatement delete = db.prepareStatement(
                        "delete from knowledge_documents where id = any(?)")) {
                    delete.setArray(1, db.createArrayOf("uuid", seeded.toArray()));
                    Report.log("deleted %d seeded documents", delete.executeUpdate());
                }
            }
        }
    }

    private static void phase(Bench bench, String phase, java.util.function.Consumer<ObjectNode> figures) {
        ObjectNode line = bench.report().line("knowledge-memory", bench.options().parameters());
        line.remove("database-url"); // may hold a password
        line.put("phase", phase);
        if (figures != null) {
            figures.accept(line);
        }
        bench.report().print(line);
    }

    private static void awaitReady(Bench bench, UUID id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!bench.griddle().knowledge().get(id).status().equals("ready")) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("document " + id + " not ready after 2 minutes: " + bench.griddle().knowledge().get(id));
            }
            Thread.sleep(100);
        }
    }

    private static void awaitIndex(Bench bench, double chunks) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (indexChunks(bench) < chunks) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the server's index holds " + indexChunks(bench) + " chunks after 10 minutes, expected " + chunks);
            }
            Thread.sleep(200);
        }
    }

    private static double indexChunks(Bench bench) {
        return MetricsScrape.take(bench.url()).value("griddle_knowledge_index_chunks", "")
                .orElseThrow(() -> new IllegalStateException("the server exports no griddle_knowledge_index_chunks: vectors disabled?"));
    }

    private static UUID orgOf(Connection db, UUID document) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("select org_id from knowledge_documents where id = ?")) {
            s.setObject(1, document);
            try (var rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("document " + document + " is not in " + db.getMetaData().getURL() + ": another database?");
                }
                return rs.getObject(1, UUID.class);
            }
        }
    }

    /** The documents and their chunks, by COPY, in one transaction; then one notice per document, as the server sends them. */
    private static void seed(Connection db, UUID org, int documents, int chunks, List<UUID> ids) throws SQLException, IOException {
        SplittableRandom random = new SplittableRandom(42);
        db.setAutoCommit(false);
        CopyManager copy = db.unwrap(PGConnection.class).getCopyAPI();
        StringBuilder docs = new StringBuilder();
        String now = Instant.now().toString();
        for (int d = 0; d < documents; d++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            int count = chunks / documents + (d < chunks % documents ? 1 : 0);
            docs.append(id).append('\t').append(org).append("\torg\tbench-seed-").append(id).append("\t1\tready\ttext\t")
                    .append(HexFormat.of().formatHex(new byte[16])).append("\t0\t0\t").append(count).append('\t').append(now).append('\t')
                    .append(now).append('\n');
        }
        copy.copyIn("copy knowledge_documents (id, org_id, scope_type, title, version, status, source, content_hash, bytes, file_oid, chunks, "
                + "created_at, updated_at) from stdin", new ByteArrayInputStream(docs.toString().getBytes(StandardCharsets.UTF_8)));
        int written = 0;
        StringBuilder rows = new StringBuilder();
        for (int d = 0; d < documents; d++) {
            int count = chunks / documents + (d < chunks % documents ? 1 : 0);
            for (int p = 0; p < count; p++) {
                rows.append(UUID.randomUUID()).append('\t').append(ids.get(d)).append('\t').append(org).append("\torg\t").append(p).append('\t')
                        .append(words(random, 60 + random.nextInt(80))).append("\t\\\\x").append(HexFormat.of().formatHex(vector(random)))
                        .append('\t').append(MODEL).append('\n');
                if (++written % 5_000 == 0) {
                    copyChunks(copy, rows);
                    Report.log("seeded %d of %d chunks", written, chunks);
                }
            }
        }
        copyChunks(copy, rows);
        db.commit();
        try (Statement notify = db.createStatement()) {
            for (UUID id : ids) {
                notify.execute("notify knowledge_chunks, '" + id + "'");
            }
        }
        db.commit();
        db.setAutoCommit(true);
    }

    private static void copyChunks(CopyManager copy, StringBuilder rows) throws SQLException, IOException {
        copy.copyIn("copy knowledge_chunks (id, document_id, org_id, scope_type, position, text, embedding, embedding_model) from stdin",
                new ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8)));
        rows.setLength(0);
    }

    /** A random unit vector, as the server stores one (float32 little-endian). */
    private static byte[] vector(SplittableRandom random) {
        float[] v = new float[DIMENSION];
        double norm = 0;
        for (int i = 0; i < DIMENSION; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        ByteBuffer bytes = ByteBuffer.allocate(DIMENSION * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            bytes.putFloat((float) (x / Math.sqrt(norm)));
        }
        return bytes.array();
    }

    /**
     * {@code n} words of the vocabulary, by Zipf's law (rank^-1) from rank {@value #FIRST_RANK} on:
     * the words above it are the stop words the full-text configuration drops, so the commonest word
     * left is in about one chunk in six, as in real prose.
     */
    private static String words(SplittableRandom random, int n) {
        StringBuilder out = new StringBuilder();
        double span = Math.log((double) (VOCABULARY.length + FIRST_RANK) / FIRST_RANK);
        for (int i = 0; i < n; i++) {
            int rank = (int) Math.min(VOCABULARY.length - 1, Math.floor(FIRST_RANK * Math.exp(random.nextDouble() * span)) - FIRST_RANK);
            out.append(i == 0 ? "" : " ").append(VOCABULARY[rank]);
        }
        return out.toString();
    }

    /** 5,000 pronounceable words, the same every time. */
    private static String[] vocabulary() {
        String[] consonants = {"b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"};
        String[] vowels = {"a", "e", "i", "o", "u"};
        SplittableRandom random = new SplittableRandom(1);
        java.util.LinkedHashSet<String> words = new java.util.LinkedHashSet<>();
        while (words.size() < 5_000) {
            StringBuilder w = new StringBuilder();
            for (int s = 0, syllables = 2 + random.nextInt(2); s < syllables; s++) {
                w.append(consonants[random.nextInt(consonants.length)]).append(vowels[random.nextInt(vowels.length)]);
            }
            words.add(w.toString());
        }
        return words.toArray(String[]::new);
    }

    static String defaultDatabaseUrl() {
        String port = System.getenv("PG_PORT");
        String password = System.getenv("PGPASSWORD");
        if (port == null) {
            throw new IllegalArgumentException("--database-url is required (or PG_PORT and PGPASSWORD from bench/start-server.sh)");
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres" + (password == null ? "" : "&password=" + password);
    }
}
