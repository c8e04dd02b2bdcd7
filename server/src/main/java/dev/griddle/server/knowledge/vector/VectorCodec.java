package dev.griddle.server.knowledge.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A vector as stored in the chunk table's {@code embedding bytea} column: its floats as IEEE-754
 * float32, little-endian, back to back (4 bytes per dimension, no header). The length of the bytes
 * is the dimension; the model that made it is in {@code embedding_model}. The same layout as
 * pgvector's binary input is not a goal: pgvector would take the floats from these bytes.
 */
public final class VectorCodec {

    private VectorCodec() {
    }

    public static byte[] encode(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    /** The floats of {@code bytes}; refuses a length that is not a whole number of floats (a torn or foreign value). */
    public static float[] decode(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("a stored vector must be a multiple of 4 bytes, was " + bytes.length);
        }
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    /** The dimension of a stored vector, without decoding it. */
    public static int dimensionOf(byte[] bytes) {
        return bytes.length / Float.BYTES;
    }
}
