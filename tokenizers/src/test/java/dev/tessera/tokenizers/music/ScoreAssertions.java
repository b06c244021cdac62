package dev.tessera.tokenizers.music;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Ways to compare scores that ignore how notes are spread over tracks. */
final class ScoreAssertions {

    private ScoreAssertions() {}

    /** Every note, sorted, per instrument ("drums" or "program 40"). */
    static Map<String, List<Note>> notesByInstrument(Score score) {
        Map<String, List<Note>> byInstrument = new TreeMap<>();
        for (Track t : score.tracks()) {
            byInstrument.computeIfAbsent(t.drums() ? "drums" : "program " + t.program(), k -> new ArrayList<>())
                    .addAll(t.notes());
        }
        byInstrument.values().forEach(list -> list.sort(Track.NOTE_ORDER));
        return byInstrument;
    }
}
