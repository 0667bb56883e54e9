// Open MPI's predefined handles are macros Swift cannot import (addresses of globals, pointer casts);
// these functions return them, so one Swift source builds against Open MPI and MPICH alike.
#include <mpi.h>

static inline MPI_Comm CMPI_CommWorld(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype CMPI_Float(void) { return MPI_FLOAT; }
static inline MPI_Datatype CMPI_Double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype CMPI_Byte(void) { return MPI_BYTE; }
static inline MPI_Datatype CMPI_Int(void) { return MPI_INT; }
static inline MPI_Op CMPI_Sum(void) { return MPI_SUM; }
static inline MPI_Op CMPI_Max(void) { return MPI_MAX; }
static inline void *CMPI_InPlace(void) { return MPI_IN_PLACE; }
static inline int CMPI_ThreadFunneled(void) { return MPI_THREAD_FUNNELED; }
static inline int CMPI_ThreadMultiple(void) { return MPI_THREAD_MULTIPLE; }
static inline MPI_Comm CMPI_CommNull(void) { return MPI_COMM_NULL; }
static inline MPI_Status *CMPI_StatusIgnore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Request CMPI_RequestNull(void) { return MPI_REQUEST_NULL; }
static inline int CMPI_Success(void) { return MPI_SUCCESS; }
