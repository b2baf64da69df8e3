package io.deltachain.inference.decode;

/**
 * Tokens a draft model proposes and the distributions it drew them from.
 *
 * @param tokens the proposed tokens, in order
 * @param distributions {@code distributions[i]} is the draft's sampling distribution for
 *     {@code tokens[i]} (null rows for greedy drafting, where only the tokens matter)
 */
public record Proposal(int[] tokens, double[][] distributions) {
}
