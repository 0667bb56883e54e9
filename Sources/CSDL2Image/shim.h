#ifndef CHORUS_CSDL2IMAGE_SHIM_H
#define CHORUS_CSDL2IMAGE_SHIM_H
#include <SDL2/SDL_image.h>
#endif
