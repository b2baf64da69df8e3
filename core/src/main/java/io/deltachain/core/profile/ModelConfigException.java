package io.deltachain.core.profile;

import java.util.List;

/**
 * A model profile or config.json is unusable. The message lists every problem found, each
 * naming the Hugging Face key at fault (and the file, when there is one), so one run shows
 * everything to fix.
 */
public class ModelConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The individual problems, one line each. */
  private final List<String> problems;

  /** One exception for several problems, found while reading {@code what}. */
  public ModelConfigException(String what, List<String> problems) {
    super(format(what, problems));
    this.problems = List.copyOf(problems);
  }

  /** The individual problems, each naming the key at fault. */
  public List<String> problems() {
    return problems;
  }

  private static String format(String what, List<String> problems) {
    if (problems.size() == 1) {
      return what + ": " + problems.get(0);
    }
    StringBuilder sb = new StringBuilder(what).append(" (").append(problems.size()).append(" problems):");
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
