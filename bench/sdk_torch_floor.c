/* The least a log() can do, in C (bench/sdk_torch_floor.py builds it when a C compiler and Python's
 * headers are present): read each value (a CPU tensor through its tolist(), a float as is), take a
 * timestamp, and keep the numbers in a static buffer of doubles. No Python object is kept per call,
 * and nothing is ever written: a floor for what logging can cost the training thread, not a logger. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <time.h>

#define SLOTS 65536
static double kept[SLOTS];
static Py_ssize_t next_slot;
static PyObject *tensor_type;

static PyObject *floor_setup(PyObject *self, PyObject *type) {
    Py_XDECREF(tensor_type);
    Py_INCREF(type);
    tensor_type = type;
    Py_RETURN_NONE;
}

static PyObject *floor_log(PyObject *self, PyObject *metrics) {
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    struct timespec now;
    if (!PyDict_CheckExact(metrics) || tensor_type == NULL)
        return PyErr_Format(PyExc_TypeError, "floor: log() takes a dict, after setup()");
    if (next_slot > SLOTS - 2 - PyDict_GET_SIZE(metrics))
        next_slot = 0;
    clock_gettime(CLOCK_REALTIME, &now);
    kept[next_slot++] = (double)now.tv_sec + now.tv_nsec * 1e-9;
    while (PyDict_Next(metrics, &pos, &key, &value)) {
        if ((PyObject *)Py_TYPE(value) == tensor_type) {
            PyObject *number = PyObject_CallMethod(value, "tolist", NULL);
            if (number == NULL)
                return NULL;
            kept[next_slot++] = PyFloat_AsDouble(number);
            Py_DECREF(number);
        } else {
            kept[next_slot++] = PyFloat_AsDouble(value);
        }
        if (PyErr_Occurred())
            return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"setup", floor_setup, METH_O, "setup(torch.Tensor)"},
    {"log", floor_log, METH_O, "log(metrics): read and keep the values"},
    {NULL, NULL, 0, NULL},
};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "sdk_torch_floor_native", NULL, -1, methods};
PyMODINIT_FUNC PyInit_sdk_torch_floor_native(void) { return PyModule_Create(&module); }
