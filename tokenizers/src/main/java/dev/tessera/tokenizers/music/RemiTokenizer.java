package dev.tessera.tokenizers.music;

import java.util.ArrayList;
import java.util.List;

/**
 * REMI (Huang &amp; Yang, "Pop Music Transformer"), as MidiTok writes it: for each bar {@code Bar_None};
 * for each onset in it {@code Position_p} (0 to positions per bar − 1), then {@code Tempo_t} if the tempo
 * changes there, then the notes. Bars without onsets still get their {@code Bar_None}; none follow the
 * last onset. With programs this is REMI+ (FIGARO).
 */
final class RemiTokenizer extends MusicTokenizer {

    RemiTokenizer(MusicTokenizerConfig config) {
        super(config);
    }

    @Override
    public String layout() {
        return "remi";
    }

    @Override
    List<String> leadingEvents() {
        return List.of("Bar_None");
    }

    @Override
    List<String> timeEvents() {
        List<String> events = new ArrayList<>();
        for (int p = 0; p < config.positionsPerBar(); p++) {
            events.add("Position_" + p);
        }
        return events;
    }

    @Override
    void layout(List<Onset> onsets, Events out) {
        int perBar = config.positionsPerBar();
        long bar = -1;
        for (Onset onset : onsets) {
            while (bar < onset.position() / perBar) {
                bar++;
                out.add("Bar_None", bar * perBar);
            }
            out.add("Position_" + onset.position() % perBar, onset.position());
            onsetEvents(onset, out);
        }
    }

    @Override
    void advance(String type, String value, Decoding d) {
        if (type.equals("Bar")) {
            d.bar++;
            d.position = (long) d.bar * config.positionsPerBar();
        } else if (type.equals("Position")) {
            d.position = (long) Math.max(d.bar, 0) * config.positionsPerBar() + Integer.parseInt(value);
        }
    }
}
