package io.deltachain.trainer.service;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.Future;
import java.nio.file.Path;

/** Stores a delta file in the delta store; implemented by the delta-store client. */
public interface DeltaUploader {

  /**
   * Uploads a file.
   *
   * @param file the delta file
   * @param hash its SHA-256
   * @return the CID (empty string when the store is not IPFS-backed)
   */
  Future<String> upload(Path file, ContentHash hash);
}
