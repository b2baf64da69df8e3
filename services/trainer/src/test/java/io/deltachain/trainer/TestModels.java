package io.deltachain.trainer;

import ai.djl.Device;
import io.deltachain.trainer.data.Batch;
import io.deltachain.trainer.data.ByteTokenizer;
import io.deltachain.trainer.data.Corpus;
import io.deltachain.trainer.data.PackedBatches;
import io.deltachain.trainer.data.ShardPlan;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Shared fixtures: a tiny byte-level model and Europarl shards. */
public final class TestModels {
    private static Corpus europarl;

    private TestModels() {
    }

    /** A tiny byte-level spec (GQA 4/2 heads, 2 layers). */
    public static ModelSpec tiny() {
        return ModelSpec.simple("test-tiny", 258, 64, 176, 2, 4, 2, 256);
    }

    /** @return a fresh tiny model */
    public static CausalLm tinyModel(int seed) {
        return new CausalLm(tiny(), Device.cpu(), seed);
    }

    /** @return the first 1500 Europarl documents (cached) */
    public static synchronized Corpus europarl() {
        if (europarl == null) {
            try {
                europarl = Corpus.europarl(1500);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return europarl;
    }

    /** @return the shard plan used in tests: 4 shards, 50 documents held out */
    public static ShardPlan plan() {
        return new ShardPlan(europarl().hash(), 7L, 4, 50);
    }

    /** @return training batches of one shard */
    public static PackedBatches shard(int shard, int batch, int length) {
        ShardPlan plan = plan();
        return new PackedBatches(plan.shard(europarl(), shard), new ByteTokenizer(258), batch, length,
                plan.seed("shard", shard), europarl().hash().hex() + "/" + shard);
    }

    /** @return held-out evaluation batches */
    public static List<Batch> heldOut(int count, int batch, int length) {
        ShardPlan plan = plan();
        PackedBatches b = new PackedBatches(plan.heldOutDocuments(europarl()), new ByteTokenizer(258), batch, length,
                plan.seed("heldout"), "heldout");
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(b.next());
        }
        return out;
    }
}
