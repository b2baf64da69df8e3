package io.deltachain.round.chain;

import static io.deltachain.round.testing.Txs.address;
import static io.deltachain.round.testing.Txs.assignment;
import static io.deltachain.round.testing.Txs.delta;
import static io.deltachain.round.testing.Txs.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.round.lifecycle.ChainEvents;
import io.deltachain.round.lifecycle.DeltaStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InMemoryRoundChainTest {
  private static final String A = address(0xa);

  @Test
  @DisplayName("it stores what was submitted: replay returns the same transactions at the same heights")
  void replayReturnsWhatWasSubmitted() {
    InMemoryRoundChain chain = new InMemoryRoundChain();
    StartRound s = start("r1", 10, 5, assignment(A, 0, 1, 0));
    SubmitDelta d = delta("r1", 0, 0, 0);
    TxReceipt started = chain.submitStartRound(s).result();
    TxReceipt committed = chain.submitDelta(A, d).result();
    assertThat(committed.txHash()).isEqualTo(ContentHash.sha256(d.toByteArray()).hex());
    List<String> seen = new ArrayList<>();
    chain.replayAndSubscribe(new ChainEvents() {
      @Override
      public void onRoundStarted(long height, String txHash, StartRound start) {
        seen.add(height + ":" + txHash + ":" + start.equals(s));
      }

      @Override
      public void onDeltaCommitted(long height, String deltaId, String trainer, SubmitDelta delta) {
        seen.add(height + ":" + deltaId + ":" + trainer + ":" + delta.equals(d));
      }
    });
    assertThat(seen).containsExactly(started.height() + ":" + started.txHash() + ":true",
        committed.height() + ":" + committed.txHash() + ":" + A + ":true");
    assertThat(chain.latestHeight().result()).isEqualTo(2);
  }

  @Test
  @DisplayName("it enforces the ledger's rules and says why it refuses")
  void rules() {
    InMemoryRoundChain chain = new InMemoryRoundChain();
    chain.submitStartRound(start("r1", 10, 5, assignment(A, 0, 1, 0)));
    assertThat(chain.submitStartRound(start("r1", 10, 5, assignment(A, 0, 1, 0))).cause())
        .isInstanceOf(ChainRejectedException.class).hasMessageContaining("already started at height 1");
    assertThat(chain.submitStartRound(start("r2", 10, 5)).cause()).hasMessageContaining("no assignments");
    assertThat(chain.submitDelta(A, delta("nope", 0, 0, 0)).cause()).hasMessageContaining("unknown round nope");
    String id = chain.submitDelta(A, delta("r1", 0, 0, 0)).result().txHash();
    assertThat(chain.submitDelta(A, delta("r1", 0, 0, 0)).cause()).hasMessageContaining("already committed");
    assertThat(chain.acceptCheckpoint("r1", "model.layers.0", "aa", "", 1, List.of(id)).cause())
        .hasMessageContaining("is not accepted");
    chain.decide(id, DeltaStatus.ACCEPTED, List.of());
    assertThat(chain.decide(id, DeltaStatus.REJECTED, List.of()).cause()).hasMessageContaining("already ACCEPTED");
    assertThat(chain.decide("ff".repeat(32), DeltaStatus.REJECTED, List.of()).cause()).hasMessageContaining("no delta");
  }

  @Test
  @DisplayName("lineage chains each checkpoint to the previous head, and heads follow")
  void lineage() {
    InMemoryRoundChain chain = new InMemoryRoundChain();
    chain.submitStartRound(start("r1", 10, 5, assignment(A, 0, 1, 0)));
    String d1 = chain.submitDelta(A, delta("r1", 0, 0, 1)).result().txHash();
    chain.decide(d1, DeltaStatus.ACCEPTED, List.of());
    chain.acceptCheckpoint("r1", "model.layers.0", "c1", "cid1", 1, List.of(d1));
    chain.acceptCheckpoint("r1", "model.layers.0", "c2", "cid2", 1, List.of());
    List<LineageEntry> l = chain.lineage("model.layers.0").result();
    assertThat(l).extracting(LineageEntry::checkpointHash).containsExactly("c1", "c2");
    assertThat(l).extracting(LineageEntry::parentHash).containsExactly("", "c1");
    assertThat(l.get(0).contributingDeltas()).containsExactly(d1);
    assertThat(chain.heads().result()).containsEntry("model.layers.0", "c2");
    assertThat(chain.lineage("model.layers.1").result()).isEmpty();
  }
}
