/**
 * A training task end to end: what the network asks for ({@link io.deltachain.trainer.task.TrainingTask}),
 * whether this node can run it, and the job that loads the base, trains, measures and writes the
 * delta files.
 */
package io.deltachain.trainer.task;
