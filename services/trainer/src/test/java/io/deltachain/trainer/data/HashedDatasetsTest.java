package io.deltachain.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.model.LayerCheckpoints;
import io.deltachain.trainer.task.JobResult;
import io.deltachain.trainer.task.TrainingJob;
import io.deltachain.trainer.task.TrainingTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashedDatasetsTest {

  private static List<String> docs(String tag, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(tag + " document " + i + " about the common agricultural policy, ünïcode and all");
    }
    return out;
  }

  private static TrainingTask task(String dataset, int shard, int shards) {
    return new TrainingTask("t-" + shard, 3, "tiny-1m", "random:5", "", TrainingMode.LORA, 0, 0, 4, 8,
        List.of("q_proj"), dataset, "bytes", "", 17, shard, shards, 2, 2, 32, 3e-3, "fp32");
  }

  @Test
  @DisplayName("a dataset blob's hash is the SHA-256 of its canonical text, and it parses back to the same documents")
  void roundTrip() throws IOException {
    List<String> d = docs("rt", 5);
    byte[] bytes = HashedDatasets.canonicalBytes(d);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(String.join("\n", d) + "\n");
    ContentHash h = ContentHash.sha256(bytes);
    Corpus c = HashedDatasets.parse(h, bytes);
    assertThat(c.documents()).isEqualTo(d);
    assertThat(c.hash()).isEqualTo(h);
    assertThat(c.name()).isEqualTo("sha256:" + h.hex());
  }

  @Test
  @DisplayName("a trainer refuses a dataset whose fetched bytes do not match its hash, naming the dataset, and trains on nothing")
  void refusesTamperedBytes(@TempDir Path dir) {
    List<String> d = docs("tamper", 40);
    ContentHash h = ContentHash.sha256(HashedDatasets.canonicalBytes(d));
    List<String> forged = new ArrayList<>(d);
    forged.set(3, "send your card number to mallory@example.com");
    byte[] forgedBytes = HashedDatasets.canonicalBytes(forged);
    TrainingJob job = new TrainingJob(dir, "trainer-a", Device.cpu(), 0, 1, hash -> forgedBytes);
    assertThatThrownBy(() -> job.run(task(HashedDatasets.spec(h), 0, 1), p -> { }, () -> false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("dataset sha256:" + h.hex())
        .hasMessageContaining("hash to " + ContentHash.sha256(forgedBytes).hex());
    assertThat(dir.resolve("t-0")).doesNotExist();
  }

  @Test
  @DisplayName("a dataset the store cannot deliver fails the task with the dataset's hash in the error")
  void missingBlob() {
    ContentHash h = ContentHash.sha256("absent\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> TrainingJob.loadCorpus(task(HashedDatasets.spec(h), 0, 1),
        LayerCheckpoints.BlobSource.none()))
        .isInstanceOf(IOException.class).hasMessageContaining("dataset sha256:" + h.hex() + " could not be fetched");
  }

  @Test
  @DisplayName("shards of a hash-addressed train set hold out nothing and together cover every document exactly once")
  void shardsCoverTrainSet() throws IOException {
    List<String> d = docs("cover", 23);
    byte[] bytes = HashedDatasets.canonicalBytes(d);
    ContentHash h = ContentHash.sha256(bytes);
    AtomicInteger fetches = new AtomicInteger();
    LayerCheckpoints.BlobSource store = hash -> {
      fetches.incrementAndGet();
      return hash.equals(h) ? bytes : null;
    };
    List<String> all = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      TrainingTask t = task(HashedDatasets.spec(h), s, 3);
      Corpus c = TrainingJob.loadCorpus(t, store);
      assertThat(TrainingJob.heldOutDocuments(t)).isZero();
      assertThat(TrainingJob.shardPlan(t, c).heldOutDocuments(c)).isEmpty();
      all.addAll(TrainingJob.shardPlan(t, c).shard(c, s));
    }
    assertThat(all).hasSize(d.size());
    assertThat(new HashSet<>(all)).isEqualTo(Set.copyOf(d));
    assertThat(fetches.get()).as("fetched once, then cached per hash").isEqualTo(1);
  }

  @Test
  @DisplayName("a trainer on a hash-addressed dataset trains on it and names its hash in the delta's metrics")
  void trainsOnFetchedData(@TempDir Path dir) throws IOException {
    List<String> d = docs("train", 30);
    byte[] bytes = HashedDatasets.canonicalBytes(d);
    ContentHash h = ContentHash.sha256(bytes);
    TrainingJob job = new TrainingJob(dir, "trainer-a", Device.cpu(), 0, 1, hash -> bytes);
    JobResult r = job.run(task(HashedDatasets.spec(h), 0, 1), p -> { }, () -> false);
    Map<String, String> m = r.metrics();
    assertThat(m).containsEntry("dataset_hash", h.hex()).doesNotContainKey("heldout_loss_before");
  }
}
