package dev.tessera.image.serve;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The classes of a class-conditional image model, as a person names them: an index in
 * {@code [0, numClasses)} or a name from the model's config; {@code numClasses} is the null
 * (unconditional) class. Shared by every image model that serves requests (the AR model, the distilled
 * student).
 *
 * @param numClasses conditional classes
 * @param names one per class, or empty when the model names none
 */
public record ImageClasses(int numClasses, List<String> names) {

    public ImageClasses {
        names = List.copyOf(names);
        if (!names.isEmpty() && names.size() != numClasses) {
            throw new IllegalArgumentException(names.size() + " class names for " + numClasses + " classes");
        }
    }

    /** The class id of an unconditional image. */
    public int nullClass() {
        return numClasses;
    }

    /**
     * The class a person named: an index in {@code [0, numClasses)} or a class name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the classes there are
     */
    public int classId(String nameOrIndex) {
        String s = nameOrIndex.strip();
        if (s.matches("\\d{1,9}")) {
            int i = Integer.parseInt(s);
            if (i < numClasses) {
                return i;
            }
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(s)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown class '" + nameOrIndex + "'; expected " + choices());
    }

    /** The classes there are, for messages: {@code 0..9} and the names when the model has them. */
    public String choices() {
        String range = "an index in 0.." + (numClasses - 1);
        return names.isEmpty() ? range : range + " or one of " + String.join(", ", names);
    }

    /** One label per class for a form's choices: the names, or the indices "0".."n-1" when the model has none. */
    public List<String> labels() {
        return !names.isEmpty() ? names : IntStream.range(0, numClasses).mapToObj(Integer::toString).toList();
    }

    /** The name of class {@code id}, or null for the null class or a model without names. */
    public String name(int id) {
        return id >= 0 && id < names.size() ? names.get(id) : null;
    }
}
