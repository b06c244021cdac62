package dev.tessera.core.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of one safetensors file: tensors by name, in file order, and the string-to-string
 * {@code __metadata__} map.
 */
public record SafeTensorsFile(Map<String, TensorData> tensors, Map<String, String> metadata) {

    public SafeTensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The named tensor, or an exception naming what the file does hold. */
    public TensorData tensor(String name) throws CheckpointFormatException {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new CheckpointFormatException("no tensor '" + name + "' in checkpoint; it holds " + tensors.keySet());
        }
        return t;
    }
}
