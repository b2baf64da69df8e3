// deltachain: TorchScript modules and IValues are not used by the trainer, so these entry points of DJL 0.36.0's
// PyTorchLibrary throw an EngineException (generated from the javac -h header; see bench/trainer/djl-jni/README.md).
#include <torch/script.h>
#include <torch/csrc/jit/python/update_graph_executor_opt.h>

#include "ai_djl_pytorch_jni_PyTorchLibrary.h"
#include "djl_pytorch_jni_exception.h"
#include "djl_pytorch_utils.h"

#define DJL_UNSUPPORTED() \
  env->ThrowNew(ENGINE_EXCEPTION_CLASS, "TorchScript modules/IValues are not built into this libdjl_torch (deltachain bench build)");

JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_setGraphExecutorOptimize(
    JNIEnv* env, jobject jthis, jboolean jenabled) {
  API_BEGIN()
  torch::jit::setGraphExecutorOptimize(jenabled);
  API_END()
}

JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDeleteModule(JNIEnv* env, jobject jthis, jlong jhandle) {
  delete reinterpret_cast<torch::jit::script::Module*>(jhandle);
}

JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDeleteIValue(JNIEnv* env, jobject jthis, jlong jhandle) {
  delete reinterpret_cast<torch::IValue*>(jhandle);
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleLoad__Ljava_lang_String_2_3IZ_3Ljava_lang_String_2_3Ljava_lang_String_2Z(JNIEnv * a0, jobject a1, jstring a2, jintArray a3, jboolean a4, jobjectArray a5, jobjectArray a6, jboolean a7) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleLoad__Ljava_io_InputStream_2_3IZ_3BJ(JNIEnv * a0, jobject a1, jobject a2, jintArray a3, jboolean a4, jbyteArray a5, jlong a6) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleEval(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
 
}

JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleTrain(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
 
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleRunMethod(JNIEnv * a0, jobject a1, jlong a2, jstring a3, jlongArray a4, jboolean a5, jboolean a6) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleWrite(JNIEnv * a0, jobject a1, jlong a2, jobject a3, jbyteArray a4, jboolean a5) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
 
}

JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleGetParams(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jobjectArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleGetParamNames(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jobjectArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleGetMethodNames(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromTensor(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromBool(JNIEnv * a0, jobject a1, jboolean a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromLong(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromDouble(JNIEnv * a0, jobject a1, jdouble a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromString(JNIEnv * a0, jobject a1, jstring a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromBoolList(JNIEnv * a0, jobject a1, jbooleanArray a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromLongList(JNIEnv * a0, jobject a1, jlongArray a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromDoubleList(JNIEnv * a0, jobject a1, jdoubleArray a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromTensorList(JNIEnv * a0, jobject a1, jlongArray a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromList(JNIEnv * a0, jobject a1, jlongArray a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromTuple(JNIEnv * a0, jobject a1, jlongArray a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromStringMap(JNIEnv * a0, jobject a1, jobjectArray a2, jlongArray a3) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueFromStringIValueMap(JNIEnv * a0, jobject a1, jobjectArray a2, jlongArray a3) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToTensor(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToBool(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToLong(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jdouble JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToDouble(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jstring JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToString(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jbooleanArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToBoolList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToLongList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jdoubleArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToDoubleList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToTensorList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToIValueList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToIValueTuple(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueToMap(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jstring JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueGetType(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return nullptr;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsTensor(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsBool(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsLong(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsDouble(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsString(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsBoolList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsLongList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsDoubleList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsTensorList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsList(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsTuple(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_iValueIsMap(JNIEnv * a0, jobject a1, jlong a2) {
  JNIEnv* env = a0;
  DJL_UNSUPPORTED()
  return 0;
}
