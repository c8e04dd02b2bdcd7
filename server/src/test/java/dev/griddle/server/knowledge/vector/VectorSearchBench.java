package dev.griddle.server.knowledge.vector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code knowledge-search} bench scenario (run by {@code bench/knowledge-search.sh}): in one
 * JVM, the embedded default (the local all-MiniLM-L6-v2 and the in-memory index) as a node holds
 * it. Measures the model's load and its RSS, embedding throughput on chunk-sized texts, the RSS
 * of an index of {@code --chunks} generated unit vectors (the model's dimension, spread over
 * {@code --scopes} scopes of one organization), and the latency of a search (a real query
 * embedded by the model, then the scan) over the whole organization and over one scope. Prints
 * one JSON line per result, as the other scenarios do; progress on stderr.
 */
public final class VectorSearchBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] WORDS = ("battery inverter grid charge warranty refund policy travel expense password laptop notebook sync "
            + "error code firmware update install wall clearance temperature cold backup outage reserve capacity energy solar panel app "
            + "account token webhook signature export archive employee manager approval budget training leave office canteen parking "
            + "shipping delivery order support phone chat hours customer ticket resolved open engineering fix release theme device")
            .split(" ");
    private static final String[] QUERIES = {"What does error E-4012 mean?", "How long until I get my money back?",
        "Why does the battery stop charging on cold nights?", "Who approves a large expense claim?", "How do I export my notebook?",
        "What happens during a grid outage?", "How many days may I work from home?", "Which firmware fixes the polling timeout?"};

    private VectorSearchBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int chunks = Integer.parseInt(options.getOrDefault("chunks", "100000"));
        int scopes = Integer.parseInt(options.getOrDefault("scopes", "50"));
        int searches = Integer.parseInt(options.getOrDefault("searches", "500"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "50"));
        int embedTexts = Integer.parseInt(options.getOrDefault("embed-texts", "200"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "1"));
        int batch = Integer.parseInt(options.getOrDefault("batch-size", "8"));
        int k = Integer.parseInt(options.getOrDefault("k", "10"));

        long rssStart = rssBytes();
        LocalMiniLmEmbedder embedder = new LocalMiniLmEmbedder(threads, batch, 256);
        long t0 = System.nanoTime();
        embedder.embed("warm up the model");
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long rssModel = rssBytes();

        Random random = new Random(42);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < embedTexts; i++) {
            texts.add(text(random, 150));
        }
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        t0 = System.nanoTime();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        embedder.embed(texts);
        double embedCpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
        double embedSeconds = (System.nanoTime() - t0) / 1e9;
        long rssEmbedded = rssBytes();
        print(line("knowledge-embed", Map.of("texts", embedTexts, "words_per_text", 150, "threads", threads, "batch_size", batch),
                Map.of("model_load_s", round(loadSeconds), "chunks_per_s", round(embedTexts / embedSeconds),
                        "chunks_per_cpu_s", round(embedTexts / embedCpuSeconds), "load_average", round(loadAverage()),
                        "rss_before_mib", mib(rssStart), "rss_after_load_mib", mib(rssModel), "rss_after_embedding_mib", mib(rssEmbedded),
                        "model_rss_mib", mib(rssEmbedded - rssStart))));

        UUID org = UUID.randomUUID();
        List<ScopeKey> scopeKeys = new ArrayList<>();
        for (int s = 0; s < scopes; s++) {
            scopeKeys.add(ScopeKey.of(org, "runner", UUID.randomUUID()));
        }
        System.gc();
        long rssBeforeIndex = rssBytes();
        long heapBeforeIndex = heapUsedAfterGc();
        VectorIndex index = new VectorIndex(embedder.dimension());
        t0 = System.nanoTime();
        UUID document = UUID.randomUUID();
        for (int i = 0; i < chunks; i++) {
            if (i % 20 == 0) {
                document = UUID.randomUUID();
            }
            index.put(new VectorRow(UUID.randomUUID(), document, scopeKeys.get(i % scopes), gaussian(random, embedder.dimension())));
        }
        double fillSeconds = (System.nanoTime() - t0) / 1e9;
        long heapIndex = heapUsedAfterGc();
        long rssIndex = rssBytes();

        ScopeFilter whole = ScopeFilter.wholeOrg(org);
        ScopeFilter one = ScopeFilter.of(org, Set.of(scopeKeys.get(0)));
        for (int i = 0; i < warmup; i++) {
            index.search(embedder.embed(QUERIES[i % QUERIES.length] + " " + i), whole, k);
        }
        double[] embedCpu = new double[searches];
        double[] scanWholeCpu = new double[searches];
        double[] scanWhole = new double[searches];
        double[] scanOne = new double[searches];
        double[] total = new double[searches];
        for (int i = 0; i < searches; i++) {
            long a = System.nanoTime();
            long cpuA = cpu.getCurrentThreadCpuTime();
            float[] query = embedder.embed(QUERIES[i % QUERIES.length] + " (" + i + ")");
            long cpuB = cpu.getCurrentThreadCpuTime();
            long b = System.nanoTime();
            index.search(query, whole, k);
            long c = System.nanoTime();
            scanWholeCpu[i] = (cpu.getCurrentThreadCpuTime() - cpuB) / 1e6;
            embedCpu[i] = (cpuB - cpuA) / 1e6;
            index.search(query, one, k);
            long d = System.nanoTime();
            scanWhole[i] = (c - b) / 1e6;
            scanOne[i] = (d - c) / 1e6;
            total[i] = (c - a) / 1e6;
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("fill_s", round(fillSeconds));
        figures.put("index_bytes_mib", mib(index.bytes()));
        figures.put("index_heap_mib", mib(heapIndex - heapBeforeIndex));
        figures.put("index_rss_mib", mib(rssIndex - rssBeforeIndex));
        figures.put("rss_now_mib", mib(rssIndex));
        figures.put("search_p50_ms", round(percentile(total, 50)));
        figures.put("search_p95_ms", round(percentile(total, 95)));
        figures.put("search_p99_ms", round(percentile(total, 99)));
        figures.put("scan_whole_org_p50_ms", round(percentile(scanWhole, 50)));
        figures.put("scan_whole_org_p95_ms", round(percentile(scanWhole, 95)));
        figures.put("scan_one_scope_p95_ms", round(percentile(scanOne, 95)));
        // CPU time of this thread (ONNX runs the query on it with one thread): the latency on an otherwise idle machine
        figures.put("query_embed_cpu_p95_ms", round(percentile(embedCpu, 95)));
        figures.put("scan_whole_org_cpu_p95_ms", round(percentile(scanWholeCpu, 95)));
        figures.put("load_average", round(loadAverage()));
        print(line("knowledge-search", Map.of("chunks", chunks, "scopes", scopes, "searches", searches, "warmup", warmup, "k", k,
                "dimension", embedder.dimension()), figures));
        embedder.close();
    }

    private static long heapUsedAfterGc() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String text(Random random, int words) {
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < words; w++) {
            b.append(WORDS[random.nextInt(WORDS.length)]).append(w % 12 == 11 ? ". " : " ");
        }
        return b.toString();
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** This process's resident set, from {@code /proc/self/status} (Linux). */
    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    private static double mib(long bytes) {
        return round(bytes / 1048576.0);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Map<String, Object> line(String scenario, Map<String, Object> parameters, Map<String, Object> figures) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("scenario", scenario);
        line.putAll(new java.util.TreeMap<>(parameters));
        line.putAll(figures);
        line.put("ts", Instant.now().toString());
        return line;
    }

    private static void print(Map<String, Object> line) {
        System.out.println(JSON.writeValueAsString(line));
        System.out.flush();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, found " + args[i]);
            }
            out.put(args[i].substring(2).toLowerCase(Locale.ROOT), args[i + 1]);
        }
        return out;
    }
}
