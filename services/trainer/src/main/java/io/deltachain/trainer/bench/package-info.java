/** Command-line throughput benchmark of the trainer, compared by bench/trainer/run.sh with PyTorch eager. */
package io.deltachain.trainer.bench;
