package io.deltachain.core.replay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where each part of a training state sits in its flat float vector, and how a replay compares
 * it. The trainer defines the order (see the trainer's {@code TrainingStateVector}); a validator
 * that re-executes a segment gets the same layout from the round's settings, never from the
 * trainer.
 *
 * @param sections the sections in vector order, contiguous from offset 0
 */
public record StateLayout(List<Section> sections) {

  /** How a section is compared after a replay. */
  public enum Kind {
    /** Integer-valued counters (steps, optimizer step counts): must be equal exactly. */
    COUNTER,
    /** Trainable weights: relative distance to the recorded end state, against the segment's movement. */
    WEIGHT,
    /** Optimizer first moments: compared like weights, as their own group. */
    FIRST_MOMENT,
    /** Optimizer second moments: compared like weights, as their own group. */
    SECOND_MOMENT
  }

  /**
   * One named run of values.
   *
   * @param name e.g. a tensor's Hugging Face name, or {@code <name>:adam_m}
   * @param kind how it is compared
   * @param offset first index in the state vector
   * @param length number of values
   */
  public record Section(String name, Kind kind, int offset, int length) {}

  /** Checks that sections are contiguous from 0 and named uniquely. */
  public StateLayout {
    sections = List.copyOf(sections);
    int at = 0;
    Set<String> names = new HashSet<>();
    for (Section s : sections) {
      if (s.offset() != at || s.length() < 0) {
        throw new IllegalArgumentException("state section " + s.name() + " at offset " + s.offset() + " with length "
            + s.length() + " does not continue at " + at);
      }
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("state section " + s.name() + " appears twice");
      }
      at = Math.addExact(at, s.length());
    }
  }

  /** A layout of one WEIGHT section covering everything (states without optimizer or counters). */
  public static StateLayout flat(int length) {
    return builder().add("weights", Kind.WEIGHT, length).build();
  }

  /** Total number of values. */
  public int length() {
    if (sections.isEmpty()) {
      return 0;
    }
    Section last = sections.get(sections.size() - 1);
    return last.offset() + last.length();
  }

  /** The section of that name, or null. */
  public Section section(String name) {
    for (Section s : sections) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  /** The sections of one kind, in order. */
  public List<Section> sections(Kind kind) {
    List<Section> out = new ArrayList<>();
    for (Section s : sections) {
      if (s.kind() == kind) {
        out.add(s);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** A builder appending sections in order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Appends sections at the next offset. */
  public static final class Builder {
    private final List<Section> sections = new ArrayList<>();
    private int next;

    private Builder() {}

    /** Appends a section of {@code length} values. */
    public Builder add(String name, Kind kind, int length) {
      sections.add(new Section(name, kind, next, length));
      next = Math.addExact(next, length);
      return this;
    }

    /** The layout. */
    public StateLayout build() {
      return new StateLayout(sections);
    }
  }
}
