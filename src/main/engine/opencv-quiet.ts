// Loaded before OpenCV's binding. The binding is built against the system's
// OpenCV (never auto-built); say so in the environment, because its loader
// otherwise looks for that setting in the package.json of the current
// directory and fails when `lpr` runs from anywhere else. Also silence the
// loader's notes on stdout, which would corrupt `lpr read --json` output.
import { Log } from '@u4/opencv-build';

process.env.OPENCV4NODEJS_DISABLE_AUTOBUILD ??= '1';
// The binding's default Mat allocator reports every OpenCV allocation to V8
// (AdjustAmountOfExternalAllocatedMemory), and it does so from inside Mat
// destructors, which run in V8's GC finalizers: a report made there may start
// a new garbage collection while the last one is finishing, and V8 aborts
// ("Check failed: marking_done_" in CppHeap::TraceEpilogue). The more cameras
// free frames at once, the sooner it happens (three at 15 fps: seconds). With
// the variable set before the binding loads, OpenCV uses its own allocator and
// never calls into V8 from a finalizer. Frames are freed by the GC as before.
// (The suspected cause of the abort; see README, Cameras, for what is and is not confirmed.)
process.env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING ??= '1';
Log.silence = true;
