// Loaded before OpenCV's binding. The binding is built against the system's
// OpenCV (never auto-built); say so in the environment, because its loader
// otherwise looks for that setting in the package.json of the current
// directory and fails when `lpr` runs from anywhere else. Also silence the
// loader's notes on stdout, which would corrupt `lpr read --json` output.
import { Log } from '@u4/opencv-build';

process.env.OPENCV4NODEJS_DISABLE_AUTOBUILD ??= '1';
Log.silence = true;
