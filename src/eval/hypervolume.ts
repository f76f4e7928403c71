/**
 * A point on the safety/utility plane (DESIGN §4), each coordinate in [0, 1], higher is better.
 * The evolve summary's `FrontPoint` has this shape.
 */
export interface HypervolumePoint {
  security: number;
  utility: number;
  notOverRefusing: number;
}

/**
 * Exact hypervolume of `points` with respect to the reference point (0, 0, 0), all three
 * objectives maximised: the volume of the union of the boxes [0, security] × [0, utility] ×
 * [0, notOverRefusing]. Coordinates are clamped to [0, 1]; a non-finite coordinate throws.
 *
 * Slices along `notOverRefusing`: between two consecutive distinct levels, the cross-section is
 * the 2-D staircase area of the points at or above the upper level. O(n² log n), plenty for the
 * handful of points one run produces.
 */
export function hypervolume(points: readonly HypervolumePoint[]): number {
  const boxes = points.map((point) => {
    const coordinates = [point.security, point.utility, point.notOverRefusing] as const;
    if (!coordinates.every(Number.isFinite)) throw new RangeError(`hypervolume: non-finite coordinate in ${JSON.stringify(point)}`);
    const [x, y, z] = coordinates.map((value) => Math.min(1, Math.max(0, value))) as [number, number, number];
    return { x, y, z };
  });
  const sorted = boxes.filter((box) => box.x > 0 && box.y > 0 && box.z > 0).sort((a, b) => b.z - a.z);
  let volume = 0;
  for (let index = 0; index < sorted.length; index += 1) {
    const top = sorted[index]!.z;
    const bottom = index + 1 < sorted.length ? sorted[index + 1]!.z : 0;
    if (top > bottom) volume += staircaseArea(sorted.slice(0, index + 1)) * (top - bottom);
  }
  return volume;
}

/** Area of the union of the rectangles [0, x] × [0, y] (2-D hypervolume, reference (0, 0)). */
function staircaseArea(boxes: readonly { x: number; y: number }[]): number {
  const byWidth = [...boxes].sort((a, b) => b.x - a.x || b.y - a.y);
  let area = 0;
  let height = 0;
  for (const box of byWidth) {
    if (box.y > height) {
      area += box.x * (box.y - height);
      height = box.y;
    }
  }
  return area;
}
