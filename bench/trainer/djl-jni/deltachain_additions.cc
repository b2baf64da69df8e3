// deltachain: JNI entry points of DJL 0.36.0's PyTorchLibrary that the stored DJL native sources used for
// this build lack or that did not compile against libtorch 2.11 (torchFft2). Written against the Java
// signatures (javac -h of PyTorchLibrary) and the calls in JniUtils; see bench/trainer/djl-jni/README.md.
#include <djl/utils.h>
#include <torch/torch.h>

#include "ai_djl_pytorch_jni_PyTorchLibrary.h"
#include "djl_pytorch_jni_exception.h"
#include "djl_pytorch_utils.h"

#define DJL_RETURN_TENSOR(expr) \
  const auto* result_ptr = new torch::Tensor(expr); \
  return reinterpret_cast<uintptr_t>(result_ptr);

static jlongArray ToHandleArray(JNIEnv* env, const std::vector<torch::Tensor>& tensors) {
  std::vector<jlong> jptrs(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    jptrs[i] = reinterpret_cast<uintptr_t>(new torch::Tensor(tensors[i]));
  }
  jlongArray jarray = env->NewLongArray(tensors.size());
  env->SetLongArrayRegion(jarray, 0, tensors.size(), jptrs.data());
  return jarray;
}

using TensorIndexVec = std::vector<torch::indexing::TensorIndex>;

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIfft(JNIEnv* env, jobject jthis, jlong jhandle, jlong jn, jlong jaxis) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  DJL_RETURN_TENSOR(torch::fft_ifft(*tensor_ptr, jn, jaxis))
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchRfft(JNIEnv* env, jobject jthis, jlong jhandle, jlong jn, jlong jaxis) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  DJL_RETURN_TENSOR(torch::fft_rfft(*tensor_ptr, jn, jaxis))
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIrfft(JNIEnv* env, jobject jthis, jlong jhandle, jlong jn, jlong jaxis) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  DJL_RETURN_TENSOR(torch::fft_irfft(*tensor_ptr, jn, jaxis))
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchFft2(JNIEnv* env, jobject jthis, jlong jhandle, jlongArray js, jlongArray jdims) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  const auto s = djl::utils::jni::GetVecFromJLongArray(env, js);
  const auto dims = djl::utils::jni::GetVecFromJLongArray(env, jdims);
  DJL_RETURN_TENSOR(torch::fft_fft2(*tensor_ptr, s, dims))
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIfft2(JNIEnv* env, jobject jthis, jlong jhandle, jlongArray js, jlongArray jdims) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  const auto s = djl::utils::jni::GetVecFromJLongArray(env, js);
  const auto dims = djl::utils::jni::GetVecFromJLongArray(env, jdims);
  DJL_RETURN_TENSOR(torch::fft_ifft2(*tensor_ptr, s, dims))
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_conj(JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  DJL_RETURN_TENSOR(torch::conj_physical(*tensor_ptr))
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDiagonal(JNIEnv* env, jobject jthis, jlong jhandle, jlong joffset, jlong jaxis1, jlong jaxis2) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  DJL_RETURN_TENSOR(tensor_ptr->diagonal(joffset, jaxis1, jaxis2))
  API_END_RETURN()
}

JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchUnique(JNIEnv* env, jobject jthis, jlong jhandle, jlong jdim, jboolean jsorted, jboolean jreturn_inverse, jboolean jreturn_counts) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> result;
  if (jdim == -1) {
    result = torch::_unique2(*tensor_ptr, jsorted, jreturn_inverse, jreturn_counts);
  } else {
    result = torch::unique_dim(*tensor_ptr, jdim, jsorted, jreturn_inverse, jreturn_counts);
  }
  return ToHandleArray(env, {std::get<0>(result), std::get<1>(result), std::get<2>(result)});
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchPad(JNIEnv* env, jobject jthis, jlong jhandle, jlongArray jshape, jdouble jvalue) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  const auto pad = djl::utils::jni::GetVecFromJLongArray(env, jshape);
  DJL_RETURN_TENSOR(torch::constant_pad_nd(*tensor_ptr, pad, jvalue))
  API_END_RETURN()
}

JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchTopK(JNIEnv* env, jobject jthis, jlong jhandle, jlong jk, jlong jaxis, jboolean jlargest, jboolean jsorted) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  const auto result = tensor_ptr->topk(jk, jaxis, jlargest, jsorted);
  return ToHandleArray(env, {std::get<0>(result), std::get<1>(result)});
  API_END_RETURN()
}

JNIEXPORT jobject JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDirectByteBuffer(JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  // only called for dense, contiguous CPU tensors (JniUtils.getByteBuffer checks before)
  return env->NewDirectByteBuffer(tensor_ptr->data_ptr(), tensor_ptr->nbytes());
  API_END_RETURN()
}

JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIsContiguous(JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  return tensor_ptr->is_contiguous();
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchToContiguous(JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  DJL_RETURN_TENSOR(tensor_ptr->contiguous())
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAdvGet(JNIEnv* env, jobject jthis, jlong jhandle, jlong jindex_handle) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  const auto* index_ptr = reinterpret_cast<TensorIndexVec*>(jindex_handle);
  DJL_RETURN_TENSOR(tensor_ptr->index(*index_ptr))
  API_END_RETURN()
}

JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAdvPut(JNIEnv* env, jobject jthis, jlong jhandle, jlong jindex_handle, jlong jvalue_handle) {
  API_BEGIN()
  auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  const auto* index_ptr = reinterpret_cast<TensorIndexVec*>(jindex_handle);
  const auto* value_ptr = reinterpret_cast<torch::Tensor*>(jvalue_handle);
  tensor_ptr->index_put_(*index_ptr, *value_ptr);
  API_END()
}

JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDeleteIndex(JNIEnv* env, jobject jthis, jlong jindex_handle) {
  API_BEGIN()
  delete reinterpret_cast<TensorIndexVec*>(jindex_handle);
  API_END()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchPut(JNIEnv* env, jobject jthis, jlong jhandle, jlong jindex_handle, jlong jvalue_handle) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  const auto* index_ptr = reinterpret_cast<torch::Tensor*>(jindex_handle);
  const auto* value_ptr = reinterpret_cast<torch::Tensor*>(jvalue_handle);
  DJL_RETURN_TENSOR(tensor_ptr->put(*index_ptr, *value_ptr))
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchScatter(JNIEnv* env, jobject jthis, jlong jhandle, jlong jindex_handle, jlong jvalue_handle, jint jaxis) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  const auto* index_ptr = reinterpret_cast<torch::Tensor*>(jindex_handle);
  const auto* value_ptr = reinterpret_cast<torch::Tensor*>(jvalue_handle);
  DJL_RETURN_TENSOR(tensor_ptr->scatter(jaxis, *index_ptr, *value_ptr))
  API_END_RETURN()
}

JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchNNNormalize(JNIEnv* env, jobject jthis, jlong jhandle, jdouble jp, jlong jdim, jdouble jeps) {
  API_BEGIN()
  const auto* tensor_ptr = reinterpret_cast<torch::Tensor*>(jhandle);
  DJL_RETURN_TENSOR(torch::nn::functional::normalize(
      *tensor_ptr, torch::nn::functional::NormalizeFuncOptions().p(jp).dim(jdim).eps(jeps)))
  API_END_RETURN()
}
