/*
 * A fake libnvidia-ml.so.1 for testing rwc's NVML reader without a GPU.
 *
 * Why: the real `pynvml` bindings dlopen("libnvidia-ml.so.1") and resolve C symbols by name, so a tiny
 * shared library that exports the same symbols with the same struct layouts lets the tests exercise the
 * real bindings (error classes, struct decoding, string decoding) end to end.  Build and use:
 *
 *     gcc -shared -fPIC -o /tmp/fake/libnvidia-ml.so.1 tests/fakes/nvml/fake_nvml.c
 *     LD_LIBRARY_PATH=/tmp/fake FAKE_NVML_GPUS=2 python3 -m console.backends.live.nvml
 *
 * Only the symbols console/backends/live/nvml.py reaches through pynvml 13.x are defined (names checked
 * against pynvml.py): nvmlInitWithFlags (nvmlInit), nvmlInit_v2/nvmlInit (older bindings), nvmlShutdown,
 * nvmlErrorString, nvmlSystemGetDriverVersion, nvmlDeviceGetCount_v2, nvmlDeviceGetHandleByIndex_v2,
 * nvmlDeviceGetName, nvmlDeviceGetUUID, nvmlDeviceGetMemoryInfo, nvmlDeviceGetMemoryInfo_v2,
 * nvmlDeviceGetUtilizationRates, nvmlDeviceGetTemperature, nvmlDeviceGetPowerUsage, nvmlDeviceGetMigMode,
 * nvmlDeviceGetComputeRunningProcesses_v3.
 *
 * Behaviour is configured by environment variables, read on every call (so one build serves every test):
 *   FAKE_NVML_INIT_ERROR=<code>   nvmlInit* returns this NVML return code (e.g. 9 = DRIVER_NOT_LOADED).
 *   FAKE_NVML_GPUS=<n>            number of devices (default 2, at most 16).
 *   FAKE_NVML_NOT_SUPPORTED=a,b   fields answering NVML_ERROR_NOT_SUPPORTED (3); field names below.
 *   FAKE_NVML_ERRORS=f=code,f@i=code
 *                                 fields answering <code>; "@i" limits it to device i (e.g. power@1=15).
 *   FAKE_NVML_MIG=0,3             device indexes whose MIG mode is enabled (others: disabled, supported).
 *   FAKE_NVML_PROCS=gpu:pid:mib,gpu:pid:-
 *                                 compute processes; "-" = memory not available (NVML_VALUE_NOT_AVAILABLE).
 *   FAKE_NVML_XIDS=gpu:xid,...    XID events waiting on every event set, each delivered once, in order, by
 *                                 nvmlEventSetWait_v2 (then NVML_ERROR_TIMEOUT after sleeping up to 20 ms).
 *   FAKE_NVML_THROTTLE=gpu:mask,...
 *                                 nvmlDeviceGetCurrentClocksEventReasons per device (others: 0x1, idle).
 * Event and throttle symbols: nvmlDeviceGetSupportedEventTypes (XID and ECC; field "events"),
 * nvmlEventSetCreate, nvmlDeviceRegisterEvents, nvmlEventSetWait_v2, nvmlEventSetFree,
 * nvmlDeviceGetCurrentClocksEventReasons (field "throttle"); field "wait" fails nvmlEventSetWait_v2.
 * Field names: count, handle, name, uuid, memory, memory_v2, utilization, temperature, power, mig,
 * processes, driver.  Values per device i: name "NVIDIA H100 80GB HBM3", uuid
 * "GPU-00000000-fake-4000-8000-00000000000<i>", memory total 81559 MiB, reserved 512 MiB, used (v2)
 * 10000+1000*i MiB plus 123 bytes (v1 reports used + reserved, as old drivers did), utilisation gpu 37+i %,
 * memory 12 %, temperature 41+i C, power 312456+1000*i mW, driver version "999.99.99-fake".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int nvmlReturn_t;

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define MAX_GPUS 16
#define MAX_PROCS 64
#define MIB 1048576ULL

typedef struct {
    int index;
} fake_device_t;
typedef fake_device_t *nvmlDevice_t;

typedef struct {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_t;

typedef struct {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_v2_t;

typedef struct {
    unsigned int gpu;
    unsigned int memory;
} nvmlUtilization_t;

typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;

static fake_device_t devices[MAX_GPUS];
static int initialised = 0;

static int gpu_count(void) {
    const char *v = getenv("FAKE_NVML_GPUS");
    int n = v ? atoi(v) : 2;
    if (n < 0) n = 0;
    if (n > MAX_GPUS) n = MAX_GPUS;
    return n;
}

/* True when `list` (comma-separated) contains `item` exactly. */
static int list_has(const char *list, const char *item) {
    size_t len = strlen(item);
    const char *p = list;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, item, len) == 0) return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* The return code configured for `field` on device `index` (-1: any device), NVML_SUCCESS if none. */
static nvmlReturn_t injected(const char *field, int index) {
    const char *ns = getenv("FAKE_NVML_NOT_SUPPORTED");
    if (ns && list_has(ns, field)) return NVML_ERROR_NOT_SUPPORTED;
    const char *errs = getenv("FAKE_NVML_ERRORS");
    if (!errs) return NVML_SUCCESS;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", errs);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        char *eq = strchr(tok, '=');
        if (!eq) continue;
        *eq = '\0';
        char *at = strchr(tok, '@');
        int only = -1;
        if (at) {
            *at = '\0';
            only = atoi(at + 1);
        }
        if (strcmp(tok, field) == 0 && (only < 0 || only == index)) return atoi(eq + 1);
    }
    return NVML_SUCCESS;
}

static int check_device(nvmlDevice_t d) {
    return initialised && d >= devices && d < devices + gpu_count();
}

#define REQUIRE_DEVICE(d) \
    do { \
        if (!initialised) return NVML_ERROR_UNINITIALIZED; \
        if (!check_device(d)) return NVML_ERROR_INVALID_ARGUMENT; \
    } while (0)

#define INJECT(field, index) \
    do { \
        nvmlReturn_t r_ = injected(field, index); \
        if (r_ != NVML_SUCCESS) return r_; \
    } while (0)

nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
    (void)flags;
    const char *e = getenv("FAKE_NVML_INIT_ERROR");
    if (e && atoi(e) != 0) return atoi(e);
    for (int i = 0; i < MAX_GPUS; i++) devices[i].index = i;
    initialised++;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlInit_v2(void) { return nvmlInitWithFlags(0); }
nvmlReturn_t nvmlInit(void) { return nvmlInitWithFlags(0); }

nvmlReturn_t nvmlShutdown(void) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    initialised--;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
    case 0: return "Success";
    case 3: return "Not Supported";
    case 9: return "Driver Not Loaded";
    case 15: return "GPU is lost";
    case 999: return "Unknown Error";
    default: return "Fake NVML error";
    }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    INJECT("driver", -1);
    if (length < 16) return NVML_ERROR_INSUFFICIENT_SIZE;
    snprintf(version, length, "%s", "999.99.99-fake");
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    INJECT("count", -1);
    *count = (unsigned int)gpu_count();
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    if ((int)index >= gpu_count()) return NVML_ERROR_INVALID_ARGUMENT;
    INJECT("handle", (int)index);
    *device = &devices[index];
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) {
    REQUIRE_DEVICE(d);
    INJECT("name", d->index);
    snprintf(name, length, "%s", "NVIDIA H100 80GB HBM3");
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length) {
    REQUIRE_DEVICE(d);
    INJECT("uuid", d->index);
    snprintf(uuid, length, "GPU-00000000-fake-4000-8000-%012d", d->index);
    return NVML_SUCCESS;
}

static unsigned long long total_bytes(void) { return 81559ULL * MIB; }
static unsigned long long reserved_bytes(void) { return 512ULL * MIB; }
static unsigned long long used_bytes(int i) { return (10000ULL + 1000ULL * (unsigned)i) * MIB + 123ULL; }

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m) {
    REQUIRE_DEVICE(d);
    INJECT("memory", d->index);
    m->total = total_bytes();
    m->used = used_bytes(d->index) + reserved_bytes();
    m->free = m->total - m->used;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *m) {
    REQUIRE_DEVICE(d);
    INJECT("memory_v2", d->index);
    INJECT("memory", d->index);
    if (m->version != 0x02000028u) return 25; /* NVML_ERROR_ARGUMENT_VERSION_MISMATCH */
    m->total = total_bytes();
    m->reserved = reserved_bytes();
    m->used = used_bytes(d->index);
    m->free = m->total - m->reserved - m->used;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) {
    REQUIRE_DEVICE(d);
    INJECT("utilization", d->index);
    u->gpu = 37u + (unsigned)d->index;
    u->memory = 12u;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, unsigned int sensor, unsigned int *temp) {
    REQUIRE_DEVICE(d);
    if (sensor != 0) return NVML_ERROR_INVALID_ARGUMENT; /* only NVML_TEMPERATURE_GPU */
    INJECT("temperature", d->index);
    *temp = 41u + (unsigned)d->index;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *milliwatts) {
    REQUIRE_DEVICE(d);
    INJECT("power", d->index);
    *milliwatts = 312456u + 1000u * (unsigned)d->index;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t d, unsigned int *current, unsigned int *pending) {
    REQUIRE_DEVICE(d);
    INJECT("mig", d->index);
    const char *mig = getenv("FAKE_NVML_MIG");
    char idx[16];
    snprintf(idx, sizeof idx, "%d", d->index);
    *current = (mig && list_has(mig, idx)) ? 1u : 0u;
    *pending = *current;
    return NVML_SUCCESS;
}

/* Processes of device `index` from FAKE_NVML_PROCS; returns how many were written (at most `cap`). */
static unsigned int fake_procs(int index, nvmlProcessInfo_t *out, unsigned int cap) {
    const char *spec = getenv("FAKE_NVML_PROCS");
    if (!spec) return 0;
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", spec);
    unsigned int n = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int gpu = -1;
        unsigned int pid = 0;
        char mem[32] = "";
        if (sscanf(tok, "%d:%u:%31s", &gpu, &pid, mem) != 3 || gpu != index) continue;
        if (out && n < cap) {
            out[n].pid = pid;
            out[n].usedGpuMemory = strcmp(mem, "-") == 0 ? ~0ULL : strtoull(mem, NULL, 10) * MIB;
            out[n].gpuInstanceId = ~0u;
            out[n].computeInstanceId = ~0u;
        }
        n++;
    }
    return n;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count,
                                                     nvmlProcessInfo_t *infos) {
    REQUIRE_DEVICE(d);
    INJECT("processes", d->index);
    unsigned int n = fake_procs(d->index, NULL, 0);
    if (n == 0) {
        *count = 0;
        return NVML_SUCCESS;
    }
    if (infos == NULL || *count < n) {
        *count = n;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    *count = fake_procs(d->index, infos, *count);
    return NVML_SUCCESS;
}

/* -- events and throttle reasons ------------------------------------------------------------------- */

#define NVML_ERROR_TIMEOUT 10
#define EVENT_XID 0x08ULL

typedef struct {
    nvmlDevice_t device;
    unsigned long long eventType;
    unsigned long long eventData;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlEventData_t;

typedef struct {
    int delivered; /* how many of FAKE_NVML_XIDS this set has handed out */
    unsigned long long registered[MAX_GPUS];
} fake_event_set_t;
typedef fake_event_set_t *nvmlEventSet_t;

nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t d, unsigned long long *types) {
    REQUIRE_DEVICE(d);
    INJECT("events", d->index);
    *types = EVENT_XID | 0x01ULL | 0x02ULL;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    *set = calloc(1, sizeof(fake_event_set_t));
    return *set ? NVML_SUCCESS : 999;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t d, unsigned long long types, nvmlEventSet_t set) {
    REQUIRE_DEVICE(d);
    if (!set) return NVML_ERROR_INVALID_ARGUMENT;
    set->registered[d->index] |= types;
    return NVML_SUCCESS;
}

/* The `n`th (gpu, xid) of FAKE_NVML_XIDS; 0 when there are fewer. */
static int nth_xid(int n, int *gpu, unsigned long long *xid) {
    const char *spec = getenv("FAKE_NVML_XIDS");
    if (!spec) return 0;
    static char buf[32768];
    snprintf(buf, sizeof buf, "%s", spec);
    int i = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (sscanf(tok, "%d:%llu", gpu, xid) != 2) continue;
        if (i++ == n) return 1;
    }
    return 0;
}

nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    if (!set || !data) return NVML_ERROR_INVALID_ARGUMENT;
    nvmlReturn_t failed = injected("wait", -1);
    if (failed != NVML_SUCCESS) return failed;
    int gpu;
    unsigned long long xid;
    while (nth_xid(set->delivered, &gpu, &xid)) {
        set->delivered++;
        if (gpu < 0 || gpu >= gpu_count() || !(set->registered[gpu] & EVENT_XID)) continue;
        memset(data, 0, sizeof *data);
        data->device = &devices[gpu];
        data->eventType = EVENT_XID;
        data->eventData = xid;
        return NVML_SUCCESS;
    }
    struct timespec pause = {0, (long)(timeoutms < 20 ? timeoutms : 20) * 1000000L};
    nanosleep(&pause, NULL);
    return NVML_ERROR_TIMEOUT;
}

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
    free(set);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t d, unsigned long long *reasons) {
    REQUIRE_DEVICE(d);
    INJECT("throttle", d->index);
    *reasons = 0x01ULL; /* GpuIdle */
    const char *spec = getenv("FAKE_NVML_THROTTLE");
    if (!spec) return NVML_SUCCESS;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int gpu = -1;
        unsigned long long mask = 0;
        if (sscanf(tok, "%d:%lli", &gpu, &mask) == 2 && gpu == d->index) *reasons = mask;
    }
    return NVML_SUCCESS;
}
