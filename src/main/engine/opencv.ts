/**
 * The one place the engine loads OpenCV (import order matters: the loader is
 * silenced first). Everything else imports `cv` from here.
 */
import './opencv-quiet.js';
import cv from '@u4/opencv4nodejs';

export default cv;
