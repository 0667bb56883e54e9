#ifndef CHORUS_CGIF_SHIM_H
#define CHORUS_CGIF_SHIM_H
#include <gif_lib.h>
#endif
