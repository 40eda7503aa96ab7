// Loaded before OpenCV's binding: its loader otherwise prints configuration
// notes on stdout, which would corrupt `lpr read --json` output.
import { Log } from '@u4/opencv-build';

Log.silence = true;
