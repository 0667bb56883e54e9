#ifndef CHORUS_CSDL2_SHIM_H
#define CHORUS_CSDL2_SHIM_H
#include <SDL2/SDL.h>

// Function-like macros are not imported into Swift; these wrap the ones Chorus needs.
static inline int CSDL2_WindowPosCentered(void) { return SDL_WINDOWPOS_CENTERED; }
static inline int CSDL2_MustLock(SDL_Surface *s) { return SDL_MUSTLOCK(s); }
#endif
