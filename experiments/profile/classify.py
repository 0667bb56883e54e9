"""Classifies `perf script` samples of a chorus run by where they were spent (see experiments/minatar-profile.sh)."""
import re, collections, sys
samples=[]; cur=None
for line in open(sys.argv[1], errors='replace'):
    if not line.startswith('\t') and line.strip():
        if cur is not None: samples.append(cur)
        cur=[]
    elif line.startswith('\t') and cur is not None:
        cur.append(line.strip().split(' ',1)[1] if ' ' in line.strip() else line.strip())
if cur: samples.append(cur)
def classify(stack):
    s=" ".join(stack)
    if re.search(r"Adam|RMSProp|OptimizationStep|GradientClipping",s): return "optimizer step (Adam, clipping)"
    if "Conv2D" in s:
        return "convolution backward" if re.search(r"Conv2DC8backward",s) else "convolution forward (im2col + sgemm)"
    if re.search(r"LinearC|MLPC|ActivationO|ConvolutionalEncoderC|MultiHeadNetworkC",s):
        return "dense layers backward" if "backward" in s else "dense layers forward"
    if re.search(r"EnvironmentBatch|MinAtarEnvironment|LegacyRandomState|EnvironmentLoop",s): return "environment stepping"
    if re.search(r"_dl_|ld-linux",s): return "startup"
    return "other (losses, returns, sampling, bookkeeping)"
c=collections.Counter(classify(st) for st in samples)
n=sum(c.values())
for k,v in c.most_common(): print(f"{k:48s} {100*v/n:5.1f} %")
print(n,"samples")
a=collections.Counter(("acting" if any("RolloutCollector" in f for f in st) else "learning" if any("ActorCriticLearner" in f for f in st) else "other") for st in samples)
print({k: round(100*v/n,1) for k,v in a.items()})
