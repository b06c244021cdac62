package dev.tessera.tokenizers.music;

import java.util.ArrayList;
import java.util.List;

/**
 * TSD (time shift, duration), as MidiTok writes it: no bars; before each onset later than the current
 * time, {@code TimeShift_d} events move time on, a long gap chained greedily from the largest value that
 * fits (the values are the duration values, so the smallest is one grid step and every gap is exact);
 * then the onset's tempo and notes. A time shift belongs to the bar it starts in, so TSD splits into
 * per-bar words too.
 */
final class TsdTokenizer extends MusicTokenizer {

    TsdTokenizer(MusicTokenizerConfig config) {
        super(config);
    }

    @Override
    public String layout() {
        return "tsd";
    }

    @Override
    List<String> leadingEvents() {
        return List.of();
    }

    @Override
    List<String> timeEvents() {
        List<String> events = new ArrayList<>();
        for (String d : values.durationNames) {
            events.add("TimeShift_" + d);
        }
        return events;
    }

    @Override
    void layout(List<Onset> onsets, Events out) {
        long time = 0;
        for (Onset onset : onsets) {
            while (time < onset.position()) {
                int shift = values.largestDurationAtMost(onset.position() - time);
                out.add("TimeShift_" + values.durationNames[shift], time);
                time += values.durationSteps[shift];
            }
            onsetEvents(onset, out);
        }
    }

    @Override
    void advance(String type, String value, Decoding d) {
        if (type.equals("TimeShift")) {
            d.position += durationSteps(value);
        }
    }
}
