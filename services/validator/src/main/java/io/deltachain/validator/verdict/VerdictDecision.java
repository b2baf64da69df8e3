package io.deltachain.validator.verdict;

import com.google.protobuf.ByteString;
import io.deltachain.core.tx.proto.Verdict;
import java.util.HexFormat;

/**
 * A validator's decision on one delta.
 *
 * @param deltaId the delta, lowercase hex
 * @param approve whether every check passed
 * @param scoreMicro fixed-point score, 0 when rejected (see {@link Score})
 * @param reason the first failed check's reason, or null when approved
 * @param message what was wrong, or empty
 * @param evidence measurements taken on the way
 */
public record VerdictDecision(String deltaId, boolean approve, long scoreMicro, ReasonCode reason, String message, Evidence evidence) {

  /** The verdict as carried in a VerdictBatch transaction. */
  public Verdict toProto() {
    Verdict.Builder b = Verdict.newBuilder()
        .setDeltaId(ByteString.copyFrom(HexFormat.of().parseHex(deltaId)))
        .setApprove(approve)
        .setScoreMicro(scoreMicro);
    if (reason != null) {
      b.addReasonCodes(reason.name());
    }
    return b.build();
  }
}
