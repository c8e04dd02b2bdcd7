package dev.griddle.server.knowledge.vector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.server.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The quality bar of hybrid search, measured: 64 questions (34 paraphrased, with none of the
 * answer's distinctive words; 30 with identifiers such as {@code E-4012}, product names or exact
 * terms) over 56 chunks of fictional manuals, policies and tickets (the test's resources). Each
 * question is answered three ways: PostgreSQL full-text ranking ({@code ts_rank_cd} over an
 * English {@code tsvector}, the question's lexemes OR-ed, in a table of a fresh test database),
 * the local model's vectors in a {@link VectorIndex}, and their {@link ReciprocalRankFusion}.
 * It prints recall@5 and MRR for each, by kind and overall, and holds hybrid to at least the
 * better of the two overall. Full-text admits a chunk only when it shares half of the question's
 * words; the figures of the any-word variant are printed too, to show why (fusion with it falls
 * below vectors alone).
 */
class SearchQualityEvalTest {

    private static final int DEPTH = 20;
    private static final double EPSILON = 0.01;
    private static final UUID ORG = UUID.randomUUID();
    private static final ScopeKey SCOPE = ScopeKey.org(ORG);

    /**
     * Chunks sharing at least half of the question's lexemes (Elasticsearch's
     * {@code minimum_should_match: 50%}), ranked by cover density. An AND of every word finds almost
     * nothing for a question in natural language; an OR of any word admits every chunk that shares a
     * common word ("get", "time", "work") and, PostgreSQL's ranking having no inverse document
     * frequency, ranks such noise first for paraphrased questions, which fusion then cannot undo.
     */
    private static final String HALF_THE_WORDS = """
            with q as (select replace(plainto_tsquery('english', ?)::text, ' & ', ' | ')::tsquery as query,
                              tsvector_to_array(to_tsvector('english', ?)) as lexemes)
            select id from eval_chunks, q
             where tsv @@ q.query
               and 2 * cardinality(array(select unnest(tsvector_to_array(tsv)) intersect select unnest(q.lexemes))) >= cardinality(q.lexemes)
             order by ts_rank_cd(tsv, q.query) desc, id limit ?
            """;
    private static final String ANY_WORD = """
            with q as (select replace(plainto_tsquery('english', ?)::text, ' & ', ' | ')::tsquery as query, ?::text as unused)
            select id from eval_chunks, q where tsv @@ q.query order by ts_rank_cd(tsv, q.query) desc, id limit ?
            """;

    /** The shipped default of {@code griddle.knowledge.vectors.min-similarity}: hybrid search drops vector hits below it. */
    private static final double MIN_SIMILARITY = 0.2;

    private record Question(String kind, Set<String> relevant, String text) {
    }

    private record Score(double recallAt5, double mrr) {
    }

    @Test
    void hybridIsAtLeastAsGoodAsTheBetterOfFullTextAndVectors() throws Exception {
        Map<String, String> chunks = corpus();
        List<Question> questions = questions();
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(50);
        assertThat(questions).hasSizeGreaterThanOrEqualTo(50);
        questions.forEach(q -> assertThat(chunks.keySet()).as(q.text()).containsAll(q.relevant()));

        Map<String, List<List<String>>> rankings = new LinkedHashMap<>();
        List<List<String>> anyWord;
        try (Connection db = DriverManager.getConnection(TestDatabase.another())) {
            load(db, chunks);
            rankings.put("full-text", fullText(db, questions, HALF_THE_WORDS));
            anyWord = fullText(db, questions, ANY_WORD);
        }
        long started = System.nanoTime();
        List<List<String>> vectors;
        try (LocalMiniLmEmbedder embedder = new LocalMiniLmEmbedder(1, 8, 256)) {
            vectors = vectors(embedder, chunks, questions);
        }
        System.out.printf(Locale.ROOT, "[eval] embedded %d chunks and %d questions in %.1f s (model load included)%n", chunks.size(),
                questions.size(), (System.nanoTime() - started) / 1e9);
        rankings.put("vectors", vectors);
        List<List<String>> hybrid = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            hybrid.add(ReciprocalRankFusion.fuse(rankings.get("full-text").get(i), vectors.get(i), DEPTH).stream()
                    .map(ReciprocalRankFusion.Fused::item).toList());
        }
        rankings.put("hybrid", hybrid);
        // for the record: full-text that admits a chunk sharing any one word with the question, and its fusion
        rankings.put("text-any", anyWord);
        List<List<String>> hybridAny = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            hybridAny.add(ReciprocalRankFusion.fuse(anyWord.get(i), vectors.get(i), DEPTH).stream().map(ReciprocalRankFusion.Fused::item).toList());
        }
        rankings.put("hybrid-any", hybridAny);
        Map<String, Score> overall = new HashMap<>();
        for (var ranking : rankings.entrySet()) {
            Score all = score(questions, ranking.getValue(), null);
            Score paraphrase = score(questions, ranking.getValue(), "paraphrase");
            Score keyword = score(questions, ranking.getValue(), "keyword");
            overall.put(ranking.getKey(), all);
            System.out.printf(Locale.ROOT, "[eval] %-10s recall@5 %.3f  MRR %.3f | paraphrased: recall@5 %.3f MRR %.3f | keyword: recall@5 %.3f MRR %.3f%n",
                    ranking.getKey(), all.recallAt5(), all.mrr(), paraphrase.recallAt5(), paraphrase.mrr(), keyword.recallAt5(), keyword.mrr());
        }
        Score text = overall.get("full-text");
        assertThat(score(questions, rankings.get("full-text"), "keyword").recallAt5()).as("requiring half the words keeps what full-text is good at")
                .isGreaterThanOrEqualTo(score(questions, anyWord, "keyword").recallAt5());
        Score vector = overall.get("vectors");
        Score fused = overall.get("hybrid");
        assertThat(fused.recallAt5()).isGreaterThanOrEqualTo(Math.max(text.recallAt5(), vector.recallAt5()) - EPSILON);
        assertThat(fused.mrr()).isGreaterThanOrEqualTo(Math.max(text.mrr(), vector.mrr()) - EPSILON);
        assertThat(score(questions, vectors, "paraphrase").recallAt5()).as("vectors find paraphrased questions' answers")
                .isGreaterThan(score(questions, rankings.get("full-text"), "paraphrase").recallAt5());
    }

    private static void load(Connection db, Map<String, String> chunks) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("create table eval_chunks (id text primary key, body text not null, "
                    + "tsv tsvector generated always as (to_tsvector('english', body)) stored)");
            s.execute("create index eval_chunks_tsv on eval_chunks using gin (tsv)");
        }
        try (PreparedStatement insert = db.prepareStatement("insert into eval_chunks (id, body) values (?, ?)")) {
            for (var chunk : chunks.entrySet()) {
                insert.setString(1, chunk.getKey());
                insert.setString(2, chunk.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static List<List<String>> fullText(Connection db, List<Question> questions, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement(sql)) {
            for (Question question : questions) {
                select.setString(1, question.text());
                select.setString(2, question.text());
                select.setInt(3, DEPTH);
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                out.add(ids);
            }
        }
        return out;
    }

    private static List<List<String>> vectors(Embedder embedder, Map<String, String> chunks, List<Question> questions) {
        List<String> ids = List.copyOf(chunks.keySet());
        float[][] chunkVectors = embedder.embed(ids.stream().map(chunks::get).toList());
        VectorIndex index = new VectorIndex(embedder.dimension());
        Map<UUID, String> names = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            UUID chunkId = UUID.nameUUIDFromBytes(ids.get(i).getBytes(StandardCharsets.UTF_8));
            names.put(chunkId, ids.get(i));
            index.put(new VectorRow(chunkId, chunkId, SCOPE, chunkVectors[i]));
        }
        float[][] queryVectors = embedder.embed(questions.stream().map(Question::text).toList());
        List<List<String>> out = new ArrayList<>();
        for (float[] query : queryVectors) {
            out.add(index.search(query, ScopeFilter.of(ORG, Set.of(SCOPE)), DEPTH).stream().filter(h -> h.score() >= MIN_SIMILARITY)
                    .map(h -> names.get(h.chunkId())).toList());
        }
        return out;
    }

    /** Recall@5: the share of questions with a relevant chunk in the first five; MRR: the mean of 1/rank of the first relevant one (0 if none). */
    private static Score score(List<Question> questions, List<List<String>> rankings, String kind) {
        int n = 0;
        double found = 0;
        double reciprocal = 0;
        for (int i = 0; i < questions.size(); i++) {
            Question q = questions.get(i);
            if (kind != null && !kind.equals(q.kind())) {
                continue;
            }
            n++;
            List<String> ranking = rankings.get(i);
            for (int r = 0; r < ranking.size(); r++) {
                if (q.relevant().contains(ranking.get(r))) {
                    found += r < 5 ? 1 : 0;
                    reciprocal += 1.0 / (r + 1);
                    break;
                }
            }
        }
        return new Score(found / n, reciprocal / n);
    }

    private static Map<String, String> corpus() throws IOException {
        Map<String, String> chunks = new LinkedHashMap<>();
        String id = null;
        StringBuilder text = new StringBuilder();
        for (String line : resource("eval-corpus.txt").split("\n")) {
            if (line.startsWith("## ")) {
                if (id != null) {
                    chunks.put(id, text.toString().strip());
                }
                id = line.substring(3).strip();
                text.setLength(0);
            } else if (id != null) {
                text.append(line).append('\n');
            }
        }
        chunks.put(id, text.toString().strip());
        return chunks;
    }

    private static List<Question> questions() throws IOException {
        List<Question> out = new ArrayList<>();
        for (String line : resource("eval-questions.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            out.add(new Question(f[0], Set.of(f[1].split("\\|")), f[2]));
        }
        return out;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SearchQualityEvalTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
