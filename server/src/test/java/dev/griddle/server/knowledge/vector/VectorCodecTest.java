package dev.griddle.server.knowledge.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VectorCodecTest {

    @Test
    void storesFloat32LittleEndianAndReadsItBack() {
        float[] v = {1.0f, -2.5f, 0f, Float.MIN_VALUE};
        byte[] bytes = VectorCodec.encode(v);
        assertThat(bytes).hasSize(16);
        // 1.0f is 0x3F800000: little-endian puts the low byte first
        assertThat(bytes[0]).isEqualTo((byte) 0x00);
        assertThat(bytes[3]).isEqualTo((byte) 0x3F);
        assertThat(VectorCodec.decode(bytes)).containsExactly(v);
        assertThat(VectorCodec.dimensionOf(bytes)).isEqualTo(4);
    }

    @Test
    void refusesBytesThatAreNotWholeFloats() {
        assertThatThrownBy(() -> VectorCodec.decode(new byte[7])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
    }
}
