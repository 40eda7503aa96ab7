/**
 * What a camera's settings ask of the device: a USB camera (V4L2) is opened
 * through OpenCV's V4L2 back end with its frame size and rate requested; a
 * GigE Vision camera named `gige://NAME` becomes a GStreamer pipeline from
 * `aravissrc` with the same requests as caps; anything else (files, folders,
 * stream URLs, pipelines written out) is opened as written. Each frame is
 * then turned by the camera's rotation (a camera mounted upside down).
 */
import cv from '../opencv.js';
import type { Mat } from '@u4/opencv4nodejs';

export type Rotation = 0 | 90 | 180 | 270;

/** The frame size and rate asked of a live device (it may give the nearest it can). */
export interface CaptureRequest {
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  /** 0: the device's own rate. */
  readonly fps?: number | undefined;
}

/** How VideoCapture is opened for a source. */
export type CapturePlan =
  | {
      readonly kind: 'v4l2';
      /** Device index (/dev/videoN is N). */
      readonly device: number;
      /** Properties set after opening, in this order: size first, then rate (drivers pick the rate per size). */
      readonly properties: readonly { readonly name: 'width' | 'height' | 'fps'; readonly value: number }[];
    }
  | { readonly kind: 'gstreamer'; readonly pipeline: string }
  | { readonly kind: 'as-written'; readonly source: string };

const V4L2_DEVICE = /^(?:\/dev\/video)?(\d+)$/;
const GIGE = /^gige:\/\/(.+)$/;
/** What an aravis camera name may hold (vendor-model-serial, or an address); nothing that would end the pipeline element. */
const GIGE_NAME = /^[A-Za-z0-9 ._:-]{1,128}$/;

export class CaptureError extends Error {}

/** A V4L2 device (an index or /dev/videoN). */
export function isV4l2Device(source: string): boolean {
  return V4L2_DEVICE.test(source.trim());
}

/** The caps a GigE camera is asked for (only what was requested is fixed). */
function rawCaps(request: CaptureRequest): string {
  const parts = ['video/x-raw'];
  if (request.width) parts.push(`width=${request.width}`);
  if (request.height) parts.push(`height=${request.height}`);
  if (request.fps) parts.push(`framerate=${Math.round(request.fps)}/1`);
  return parts.join(',');
}

/** The GStreamer pipeline of a GigE Vision camera through aravis, ending in OpenCV's appsink (newest frame only). */
export function gigePipeline(cameraName: string, request: CaptureRequest): string {
  if (!GIGE_NAME.test(cameraName)) {
    throw new CaptureError(`GigE camera name "${cameraName}" may hold only letters, digits, spaces and . _ : - (as arv-tool-0.8 lists it)`);
  }
  return [
    `aravissrc camera-name="${cameraName}"`,
    rawCaps(request),
    'videoconvert',
    'video/x-raw,format=BGR',
    'appsink drop=true max-buffers=1 sync=false',
  ].join(' ! ');
}

/** How the source of a camera is opened, with its requests. */
export function capturePlan(source: string, request: CaptureRequest = {}): CapturePlan {
  const trimmed = source.trim();
  const device = V4L2_DEVICE.exec(trimmed);
  if (device) {
    const properties: { name: 'width' | 'height' | 'fps'; value: number }[] = [];
    if (request.width) properties.push({ name: 'width', value: request.width });
    if (request.height) properties.push({ name: 'height', value: request.height });
    if (request.fps) properties.push({ name: 'fps', value: request.fps });
    return { kind: 'v4l2', device: Number(device[1]), properties };
  }
  const gige = GIGE.exec(trimmed);
  if (gige) return { kind: 'gstreamer', pipeline: gigePipeline(gige[1]!, request) };
  return { kind: 'as-written', source: trimmed };
}

const PROPERTY = { width: () => cv.CAP_PROP_FRAME_WIDTH, height: () => cv.CAP_PROP_FRAME_HEIGHT, fps: () => cv.CAP_PROP_FPS } as const;

/** Opens a VideoCapture by its plan; what the device granted of each request comes back for the description. */
export function openCapture(plan: CapturePlan): { capture: InstanceType<typeof cv.VideoCapture>; granted: string | null } {
  if (plan.kind === 'as-written') return { capture: new cv.VideoCapture(plan.source), granted: null };
  if (plan.kind === 'gstreamer') return { capture: new cv.VideoCapture(plan.pipeline, cv.CAP_GSTREAMER), granted: null };
  const capture = new cv.VideoCapture(plan.device, cv.CAP_V4L2);
  for (const p of plan.properties) capture.set(PROPERTY[p.name](), p.value);
  const granted =
    plan.properties.length === 0
      ? null
      : `${capture.get(cv.CAP_PROP_FRAME_WIDTH)}x${capture.get(cv.CAP_PROP_FRAME_HEIGHT)} at ${capture.get(cv.CAP_PROP_FPS)} fps granted`;
  return { capture, granted };
}

/** A frame turned by the camera's rotation, clockwise. */
export function rotateFrame(image: Mat, rotation: Rotation): Mat {
  switch (rotation) {
    case 0:
      return image;
    case 90:
      return image.rotate(cv.ROTATE_90_CLOCKWISE);
    case 180:
      return image.rotate(cv.ROTATE_180);
    case 270:
      return image.rotate(cv.ROTATE_90_COUNTERCLOCKWISE);
  }
}
