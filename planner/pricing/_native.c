/* Compiled kernels for the pricing core: price and Greeks of many options, option
 * prices over scenario axes (the risk engine's curves and matrix), the worst
 * cell of weighted groups of those prices (the matrix's risk used).
 *
 * Why C: every figure the planner draws is a sum of BSM or Black-76 prices, and
 * the normal CDF dominates their cost. glibc (2.35 and later, x86-64) ships
 * vector versions of erfc, exp and log in libmvec; written as simple loops over
 * contiguous blocks, the compiler runs them 4 options at a time on AVX2 and 2 on
 * SSE2, picking the variant for the CPU at load time (target_clones). That is
 * about ten times cheaper per normal CDF than a scalar call. Without libmvec
 * (another libc, another architecture) the same loops compile to scalar code.
 *
 * The formulas are the numpy kernel's (``_kernel.py``), which documents them;
 * with w = +1 for a call and -1 for a put, Sq = S exp(-q t), Kr = K exp(-r t):
 *     price = w (Sq N(w d1) - Kr N(w d2)),  N(x) = erfc(-x / sqrt 2) / 2.
 * Validation, the t == 0 / vol == 0 limits and the far out-of-the-money price
 * refinement stay in Python: the kernels only flag where they are needed.
 *
 * Buffers are passed through the buffer protocol (numpy arrays, C-contiguous,
 * float64 or bool); the Python callers check shapes and dtypes, and every
 * function here checks sizes so that a wrong call raises instead of reading
 * out of bounds. The GIL is released while the loops run.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(PLANNER_LIBMVEC) && defined(__x86_64__) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
/* libmvec provides _ZGV{b,c,d,e}N{2,4,4,8}v_ variants of these three. */
#pragma omp declare simd notinbranch
double erfc(double);
#pragma omp declare simd notinbranch
double exp(double);
#pragma omp declare simd notinbranch
double log(double);
#define VECTOR_MATH 1
#define CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define VECTOR_MATH 0
#define CLONES
#endif

#define SIMD _Pragma("omp simd")
#define BLOCK 256
#define INV_SQRT2 0.70710678118654752440
#define INV_SQRT_2PI 0.39894228040143267794
#define DAYS_PER_YEAR 365.0
#define CANCELLATION_LIMIT 1024.0

/* ---------------------------------------------------------------- Greeks */

typedef struct {
    const uint8_t *is_call;
    const double *spot, *strike, *t, *vol, *r, *q;
    int64_t step[7]; /* 0: one value for all options, 1: one per option */
    int black76;
    double *price, *delta, *gamma, *vega, *theta;
    uint8_t *cancelled;
    Py_ssize_t n;
} GreeksJob;

/* Every loop runs over whole blocks held in aligned local buffers, the last block padded with
 * copies of its first option: each option then goes through the same vector code whatever its
 * position in the call, so one option priced alone gets the very same bits as inside a batch
 * (a scalar remainder loop would use the scalar libm, which rounds differently). */
#define ALIGNED __attribute__((aligned(64)))

CLONES static int greeks_blocks(const GreeksJob *job) {
    const int block = BLOCK; /* a compile-time constant: the loops have no remainder to run in scalar code */
    double in[6][BLOCK] ALIGNED;
    const double *bases[6] = {job->spot, job->strike, job->t, job->vol, job->r, job->black76 ? job->r : job->q};
    const int64_t steps[6] = {job->step[1], job->step[2], job->step[3], job->step[4], job->step[5],
                              job->black76 ? job->step[5] : job->step[6]};
    for (int k = 0; k < 6; k++)
        if (!steps[k])
            for (int j = 0; j < block; j++) in[k][j] = bases[k][0];
    double w[BLOCK] ALIGNED, sqt[BLOCK] ALIGNED, sst[BLOCK] ALIGNED, dr[BLOCK] ALIGNED, dq[BLOCK] ALIGNED;
    double d1[BLOCK] ALIGNED, pdf[BLOCK] ALIGNED, n1[BLOCK] ALIGNED, n2[BLOCK] ALIGNED;
    double out[5][BLOCK] ALIGNED;
    uint8_t cancelled[BLOCK] ALIGNED;
    const double *S = in[0], *K = in[1], *T = in[2], *sigma = in[3], *rate = in[4], *carry = in[5];
    int suspicious = 0;
    for (Py_ssize_t start = 0; start < job->n; start += block) {
        const int m = (int)(job->n - start < block ? job->n - start : block);
        for (int k = 0; k < 6; k++)
            if (steps[k]) {
                memcpy(in[k], bases[k] + start, m * sizeof(double));
                for (int j = m; j < block; j++) in[k][j] = in[k][0];
            }
        for (int j = 0; j < block; j++) {
            const Py_ssize_t i = job->step[0] ? start + (j < m ? j : 0) : 0;
            w[j] = job->is_call[i] ? 1.0 : -1.0;
        }
        SIMD for (int j = 0; j < block; j++) {
            sqt[j] = sqrt(T[j]);
            sst[j] = sigma[j] * sqt[j];
            dr[j] = exp(-(rate[j] * T[j]));
            dq[j] = exp(-(carry[j] * T[j]));
        }
        SIMD for (int j = 0; j < block; j++) d1[j] = log((dq[j] * S[j]) / (dr[j] * K[j]));
        int bad = 0;
        _Pragma("omp simd reduction(|:bad)") for (int j = 0; j < block; j++) {
            d1[j] = d1[j] / sst[j] + sst[j] * 0.5;
            /* t == 0, vol == 0 or an invalid input: the caller validates and takes the limits. */
            bad |= !(sst[j] > 0.0) | !(fabs(d1[j]) < HUGE_VAL);
        }
        suspicious |= bad;
        SIMD for (int j = 0; j < block; j++) {
            pdf[j] = exp(d1[j] * d1[j] * -0.5);
            n1[j] = 0.5 * erfc(-(d1[j] * w[j]) * INV_SQRT2);
            n2[j] = 0.5 * erfc(-((d1[j] - sst[j]) * w[j]) * INV_SQRT2);
        }
        SIMD for (int j = 0; j < block; j++) {
            const double sq = dq[j] * S[j], kr = dr[j] * K[j];
            const double a = n1[j] * sq, b = n2[j] * kr;
            const double value = (a - b) * w[j];
            out[0][j] = value;
            out[1][j] = (dq[j] * n1[j]) * w[j];
            const double shared = pdf[j] * sq * INV_SQRT_2PI;
            out[2][j] = shared / (S[j] * sst[j] * S[j]);
            out[3][j] = shared * sqt[j] * 0.01;
            /* Carry w (q Sq N(w d1) - r Kr N(w d2)); with q = r (Black-76) that is r times the price. */
            const double carry_term = (a * carry[j] - b * rate[j]) * w[j];
            out[4][j] = shared * sigma[j] / sqt[j] * (-0.5 / DAYS_PER_YEAR) + carry_term / DAYS_PER_YEAR;
            /* The two terms cancel far out of the money: the caller recomputes those prices exactly. */
            cancelled[j] = value * CANCELLATION_LIMIT < a + b;
        }
        double *targets[5] = {job->price, job->delta, job->gamma, job->vega, job->theta};
        for (int k = 0; k < 5; k++) memcpy(targets[k] + start, out[k], m * sizeof(double));
        memcpy(job->cancelled + start, cancelled, m);
    }
    return suspicious;
}

/* ------------------------------------------------------- prices on axes */

typedef struct {
    const uint8_t *is_call;
    const double *strike, *years; /* per contract, years > 0 */
    double rate, carry;           /* carry: dividend yield (BSM), or the rate again (Black-76) */
    const double *spots;          /* [n] shared by every contract, or [contracts x n] */
    int spots_per_contract;
    const double *vols;           /* [contracts x rows] (one per row) or [contracts x n] (one per point) */
    int vol_per_point;
    Py_ssize_t rows, n;           /* rows is 1 when vol_per_point */
    double *out;                  /* [contracts x rows x n] */
} AxesJob;

/* Scratch rows of the padded length (a multiple of 8, 64-byte aligned), as in the Greeks kernel. */
typedef struct {
    double *log_spot, *spot, *vol, *row;
    Py_ssize_t padded;
} AxesScratch;

/* Copy n values and repeat the first into the padding. */
static void pad_copy(double *target, const double *source, Py_ssize_t n, Py_ssize_t padded) {
    memcpy(target, source, n * sizeof(double));
    for (Py_ssize_t i = n; i < padded; i++) target[i] = source[0];
}

/* The prices of one contract on one row of scenarios: d1 from ln S along the row. */
CLONES static void axes_row(const AxesScratch *x, double vol, int vol_per_point, double sqrt_t, double w,
                            double half_sq, double half_kr, double drift) {
    const double *log_spot = x->log_spot, *spot = x->spot, *vols = x->vol;
    double *out = x->row;
    const Py_ssize_t n = x->padded;
    if (vol_per_point) {
        SIMD for (Py_ssize_t i = 0; i < n; i++) {
            const double sd = vols[i] * sqrt_t;
            const double d1 = (log_spot[i] + drift) / sd + 0.5 * sd;
            out[i] = w * (spot[i] * half_sq * erfc(-w * d1 * INV_SQRT2) - half_kr * erfc(-w * (d1 - sd) * INV_SQRT2));
        }
    } else {
        const double sd = vol * sqrt_t, inverse = 1.0 / sd, half_sd = 0.5 * sd;
        SIMD for (Py_ssize_t i = 0; i < n; i++) {
            const double d1 = (log_spot[i] + drift) * inverse + half_sd;
            out[i] = w * (spot[i] * half_sq * erfc(-w * d1 * INV_SQRT2) - half_kr * erfc(-w * (d1 - sd) * INV_SQRT2));
        }
    }
}

CLONES static void log_of(const double *x, double *out, Py_ssize_t n) {
    SIMD for (Py_ssize_t i = 0; i < n; i++) out[i] = log(x[i]);
}

static void axes_contracts(const AxesJob *job, Py_ssize_t first, Py_ssize_t last, const AxesScratch *x) {
    const Py_ssize_t n = job->n;
    if (!job->spots_per_contract) {
        pad_copy(x->spot, job->spots, n, x->padded);
        log_of(x->spot, x->log_spot, x->padded);
    }
    for (Py_ssize_t c = first; c < last; c++) {
        const double t = job->years[c], strike = job->strike[c];
        const double w = job->is_call[c] ? 1.0 : -1.0;
        if (job->spots_per_contract) {
            pad_copy(x->spot, job->spots + c * n, n, x->padded);
            log_of(x->spot, x->log_spot, x->padded);
        }
        if (job->vol_per_point) pad_copy(x->vol, job->vols + c * n, n, x->padded);
        /* Halves of the discounted spot factor and strike: N(x) = erfc(-x / sqrt 2) / 2. */
        const double half_sq = 0.5 * exp(-job->carry * t), half_kr = 0.5 * strike * exp(-job->rate * t);
        const double drift = (job->rate - job->carry) * t - log(strike);
        for (Py_ssize_t j = 0; j < job->rows; j++) {
            const double vol = job->vol_per_point ? 0.0 : job->vols[c * job->rows + j];
            axes_row(x, vol, job->vol_per_point, sqrt(t), w, half_sq, half_kr, drift);
            memcpy(job->out + (c * job->rows + j) * n, x->row, n * sizeof(double));
        }
    }
}

/* ------------------------------------------------------ scenario groups */

/* Each group's lowest weighted sum along every row of a scenario grid: for group g and row j,
 * out[g, j] = min over i of sum over k of weights[k] values[index[k], j, i], k in the group's
 * range indptr[g] .. indptr[g + 1]. The risk engine's "each condor with its hedges at its worst
 * cell" needs only these minima, so no [groups x cells] product is ever stored. */
CLONES static void group_minima_of(const double *values, Py_ssize_t rows, Py_ssize_t n, const int64_t *indptr,
                                   const int64_t *index, const double *weights, Py_ssize_t groups, double *sum,
                                   double *out) {
    for (Py_ssize_t g = 0; g < groups; g++) {
        for (Py_ssize_t j = 0; j < rows; j++) {
            SIMD for (Py_ssize_t i = 0; i < n; i++) sum[i] = 0.0;
            for (int64_t k = indptr[g]; k < indptr[g + 1]; k++) {
                const double w = weights[k], *row = values + (index[k] * rows + j) * n;
                SIMD for (Py_ssize_t i = 0; i < n; i++) sum[i] += w * row[i];
            }
            double lowest = sum[0];
            _Pragma("omp simd reduction(min : lowest)") for (Py_ssize_t i = 1; i < n; i++)
                lowest = sum[i] < lowest ? sum[i] : lowest;
            out[g * rows + j] = lowest;
        }
    }
}

/* ------------------------------------------------------------ bindings */

typedef struct {
    Py_buffer view;
    int held;
} Buffer;

static void release_all(Buffer *buffers, int count) {
    for (int k = 0; k < count; k++)
        if (buffers[k].held) PyBuffer_Release(&buffers[k].view);
}

/* A C-contiguous buffer of at least ``items`` items of ``itemsize`` bytes. */
static int get_buffer(PyObject *object, Buffer *buffer, int writable, Py_ssize_t itemsize, Py_ssize_t items,
                      const char *name) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(object, &buffer->view, flags) < 0) return -1;
    buffer->held = 1;
    if (buffer->view.itemsize != itemsize || buffer->view.len < items * itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: expected at least %zd items of %zd bytes", name, items, itemsize);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(greeks_doc,
             "greeks(is_call, spot, strike, t, vol, r, q, steps, black76, price, delta, gamma, vega, theta, "
             "cancelled) -> bool\n\n"
             "Fill the five outputs and the cancellation mask of n options (n = len(price)); return True if\n"
             "the caller must validate the inputs and apply the t == 0 / vol == 0 limits. steps[k] is 1\n"
             "when input k holds one value per option, 0 when it holds one value for all; such a shared\n"
             "value may be a one-item buffer or a Python float (a bool for is_call).");

static PyObject *greeks(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *objects[15];
    if (!PyArg_UnpackTuple(args, "greeks", 15, 15, &objects[0], &objects[1], &objects[2], &objects[3],
                           &objects[4], &objects[5], &objects[6], &objects[7], &objects[8], &objects[9],
                           &objects[10], &objects[11], &objects[12], &objects[13], &objects[14]))
        return NULL;
    Buffer buffers[14];
    memset(buffers, 0, sizeof buffers);
    GreeksJob job;
    job.black76 = PyObject_IsTrue(objects[8]);
    if (job.black76 < 0) return NULL;
    if (get_buffer(objects[9], &buffers[8], 1, 8, 0, "price") < 0) goto fail;
    job.n = buffers[8].view.len / 8;
    if (get_buffer(objects[7], &buffers[7], 0, 8, 7, "steps") < 0) goto fail;
    memcpy(job.step, buffers[7].view.buf, sizeof job.step);
    static const char *names[7] = {"is_call", "spot", "strike", "t", "vol", "r", "q"};
    /* A value shared by all options may come as a Python float (bool for is_call) instead of a
     * one-item buffer: small calls then allocate no array per scalar. */
    uint8_t scalar_flag = 0;
    double scalars[7] = {0.0};
    const void *inputs[7];
    for (int k = 0; k < 7; k++) {
        if (job.step[k] != 0 && job.step[k] != 1) {
            PyErr_SetString(PyExc_ValueError, "steps must be 0 or 1");
            goto fail;
        }
        if (!job.step[k] && (k == 0 ? PyBool_Check(objects[k]) : PyFloat_Check(objects[k]))) {
            if (k == 0) {
                scalar_flag = objects[k] == Py_True;
                inputs[k] = &scalar_flag;
            } else {
                scalars[k] = PyFloat_AS_DOUBLE(objects[k]);
                inputs[k] = &scalars[k];
            }
            continue;
        }
        if (get_buffer(objects[k], &buffers[k], 0, k == 0 ? 1 : 8, job.step[k] ? job.n : 1, names[k]) < 0)
            goto fail;
        inputs[k] = buffers[k].view.buf;
    }
    static const char *outputs[5] = {"delta", "gamma", "vega", "theta", "cancelled"};
    for (int k = 0; k < 5; k++)
        if (get_buffer(objects[10 + k], &buffers[9 + k], 1, k == 4 ? 1 : 8, job.n, outputs[k]) < 0) goto fail;
    job.is_call = inputs[0];
    job.spot = inputs[1], job.strike = inputs[2], job.t = inputs[3];
    job.vol = inputs[4], job.r = inputs[5], job.q = inputs[6];
    job.price = buffers[8].view.buf, job.delta = buffers[9].view.buf, job.gamma = buffers[10].view.buf;
    job.vega = buffers[11].view.buf, job.theta = buffers[12].view.buf, job.cancelled = buffers[13].view.buf;
    int suspicious;
    Py_BEGIN_ALLOW_THREADS
    suspicious = greeks_blocks(&job);
    Py_END_ALLOW_THREADS
    release_all(buffers, 14);
    return PyBool_FromLong(suspicious);
fail:
    release_all(buffers, 14);
    return NULL;
}

PyDoc_STRVAR(axes_doc,
             "prices_on_axes(is_call, strike, years, rate, carry, spots, spots_per_contract, vols, "
             "vol_per_point, rows, out, first, last) -> None\n\n"
             "Prices (points) of contracts first..last-1 over n scenario points (n = the spots' last axis):\n"
             "out[c, j, i] with spot spots[i] (or spots[c, i]) and vol vols[c, j] (or vols[c, i], rows = 1).\n"
             "Black-76 on a future is carry = rate with the futures as spots. Requires years > 0, vols > 0.");

static PyObject *prices_on_axes(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *is_call, *strike, *years, *spots, *vols, *out;
    AxesJob job;
    Py_ssize_t first, last;
    if (!PyArg_ParseTuple(args, "OOOddOpOpnOnn", &is_call, &strike, &years, &job.rate, &job.carry, &spots,
                          &job.spots_per_contract, &vols, &job.vol_per_point, &job.rows, &out, &first, &last))
        return NULL;
    Buffer buffers[6];
    memset(buffers, 0, sizeof buffers);
    if (get_buffer(strike, &buffers[1], 0, 8, 0, "strike") < 0) goto fail;
    const Py_ssize_t count = buffers[1].view.len / 8;
    if (first < 0 || last > count || first > last || job.rows < 1 || (job.vol_per_point && job.rows != 1)) {
        PyErr_SetString(PyExc_ValueError, "contract range or rows out of bounds");
        goto fail;
    }
    if (get_buffer(is_call, &buffers[0], 0, 1, count, "is_call") < 0) goto fail;
    if (get_buffer(years, &buffers[2], 0, 8, count, "years") < 0) goto fail;
    if (get_buffer(spots, &buffers[3], 0, 8, 0, "spots") < 0) goto fail;
    job.n = buffers[3].view.len / 8 / (job.spots_per_contract ? (count ? count : 1) : 1);
    if (job.spots_per_contract && buffers[3].view.len != count * job.n * 8) {
        PyErr_SetString(PyExc_ValueError, "spots: expected one row per contract");
        goto fail;
    }
    if (get_buffer(vols, &buffers[4], 0, 8, count * (job.vol_per_point ? job.n : job.rows), "vols") < 0) goto fail;
    if (get_buffer(out, &buffers[5], 1, 8, count * job.rows * job.n, "out") < 0) goto fail;
    job.is_call = buffers[0].view.buf, job.strike = buffers[1].view.buf, job.years = buffers[2].view.buf;
    job.spots = buffers[3].view.buf, job.vols = buffers[4].view.buf, job.out = buffers[5].view.buf;
    AxesScratch scratch;
    scratch.padded = (job.n + 7) / 8 * 8;
    double *memory = job.n ? aligned_alloc(64, 4 * scratch.padded * sizeof(double)) : NULL;
    if (job.n && !memory) {
        PyErr_NoMemory();
        goto fail;
    }
    scratch.log_spot = memory, scratch.spot = memory + scratch.padded;
    scratch.vol = memory + 2 * scratch.padded, scratch.row = memory + 3 * scratch.padded;
    if (job.n) {
        Py_BEGIN_ALLOW_THREADS
        axes_contracts(&job, first, last, &scratch);
        Py_END_ALLOW_THREADS
    }
    free(memory);
    release_all(buffers, 6);
    Py_RETURN_NONE;
fail:
    release_all(buffers, 6);
    return NULL;
}

PyDoc_STRVAR(minima_doc,
             "group_minima(values, rows, indptr, index, weights, out) -> None\n\n"
             "values: [contracts x rows x n] float64; indptr: [groups + 1] int64 and index / weights: the\n"
             "groups' contracts and weights (CSR); out: [groups x rows]. Fills out[g, j] with the minimum\n"
             "over i of sum_k weights[k] values[index[k], j, i] (0 for a group with no contracts).");

static PyObject *group_minima(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *values, *indptr, *index, *weights, *out;
    Py_ssize_t rows;
    if (!PyArg_ParseTuple(args, "OnOOOO", &values, &rows, &indptr, &index, &weights, &out)) return NULL;
    Buffer buffers[5];
    memset(buffers, 0, sizeof buffers);
    if (rows < 1) {
        PyErr_SetString(PyExc_ValueError, "rows must be at least 1");
        return NULL;
    }
    if (get_buffer(indptr, &buffers[0], 0, 8, 1, "indptr") < 0) goto fail;
    const Py_ssize_t groups = buffers[0].view.len / 8 - 1;
    const int64_t *ptr = buffers[0].view.buf;
    if (get_buffer(values, &buffers[1], 0, 8, 0, "values") < 0) goto fail;
    const Py_ssize_t contracts_cells = buffers[1].view.len / 8;
    if (get_buffer(out, &buffers[2], 1, 8, groups * rows, "out") < 0) goto fail;
    const Py_ssize_t pairs = ptr[groups];
    if (get_buffer(index, &buffers[3], 0, 8, pairs, "index") < 0) goto fail;
    if (get_buffer(weights, &buffers[4], 0, 8, pairs, "weights") < 0) goto fail;
    const Py_ssize_t n = buffers[1].view.shape && buffers[1].view.ndim == 3 ? buffers[1].view.shape[2] : 0;
    if (n < 1 || buffers[1].view.shape[1] != rows) {
        PyErr_SetString(PyExc_ValueError, "values: expected [contracts x rows x n]");
        goto fail;
    }
    const Py_ssize_t contracts = contracts_cells / (rows * n);
    const int64_t *idx = buffers[3].view.buf;
    for (Py_ssize_t g = 0; g < groups; g++)
        if (ptr[g] < 0 || ptr[g] > ptr[g + 1] || ptr[g + 1] > pairs) {
            PyErr_SetString(PyExc_ValueError, "indptr must be non-decreasing within index");
            goto fail;
        }
    for (Py_ssize_t k = 0; k < pairs; k++)
        if (idx[k] < 0 || idx[k] >= contracts) {
            PyErr_SetString(PyExc_ValueError, "index out of range of values");
            goto fail;
        }
    double *sum = malloc(n * sizeof(double));
    if (!sum) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_BEGIN_ALLOW_THREADS
    group_minima_of(buffers[1].view.buf, rows, n, ptr, idx, buffers[4].view.buf, groups, sum, buffers[2].view.buf);
    Py_END_ALLOW_THREADS
    free(sum);
    release_all(buffers, 5);
    Py_RETURN_NONE;
fail:
    release_all(buffers, 5);
    return NULL;
}

static PyMethodDef methods[] = {
    {"greeks", greeks, METH_VARARGS, greeks_doc},
    {"prices_on_axes", prices_on_axes, METH_VARARGS, axes_doc},
    {"group_minima", group_minima, METH_VARARGS, minima_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_native",
    .m_doc = "Compiled pricing kernels (see _native.c); the package falls back to numpy without them.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__native(void) {
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "VECTOR_MATH", VECTOR_MATH) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
