/**
 * Turning a finished training run into delta files in the core format (one file per layer: dense
 * updates for FULL and STAGED, LoRA factors for LORA and QLORA) and LoRA runs into PEFT adapters.
 */
package io.deltachain.trainer.delta;
