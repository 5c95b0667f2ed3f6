"""The compiled pricing kernels (planner/pricing/_native.c); everything else is in pyproject.toml.

The extension is optional: where it cannot be built (no C compiler), the
install goes on and the package runs its numpy kernels instead.
"""

import platform
import sys

from setuptools import Extension, setup


def native_kernels() -> Extension:
    macros, libraries = [], []
    if sys.platform.startswith("linux") and platform.machine() == "x86_64":
        # glibc's vector maths library: erfc, exp and log 4 (AVX2) or 2 (SSE2) at a time.
        macros.append(("PLANNER_LIBMVEC", "1"))
        libraries.append("mvec")
    return Extension(
        "planner.pricing._native",
        ["planner/pricing/_native.c"],
        define_macros=macros,
        libraries=libraries,
        # -fno-math-errno lets the maths calls vectorise; NaN and infinity keep their IEEE meaning
        # (no -ffast-math), which the kernels' checks rely on.
        extra_compile_args=["-O3", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math"],
        optional=True,
    )


setup(ext_modules=[native_kernels()])
