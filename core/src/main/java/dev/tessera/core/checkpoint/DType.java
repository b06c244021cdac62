package dev.tessera.core.checkpoint;

import java.util.Locale;

/** Element types a safetensors file may hold here, with their width in bytes and their header name. */
public enum DType {
    F32(4), F16(2), BF16(2), I64(8), I32(4), U8(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The name in the safetensors header, e.g. {@code "F32"}. */
    public String wireName() {
        return name();
    }

    /** Parses a header dtype; unknown names (F64, BOOL, F8_E4M3, ...) are refused with the accepted list. */
    public static DType fromWire(String name) throws CheckpointFormatException {
        if (name != null) {
            for (DType t : values()) {
                if (t.name().equals(name.toUpperCase(Locale.ROOT))) {
                    return t;
                }
            }
        }
        throw new CheckpointFormatException("unsupported dtype '" + name + "'; expected one of F32, F16, BF16, I64, I32, U8");
    }
}
