/** The lessons: every catalog/<name>.js next to this file (no shared registry), in the order of order.ts. */
import * as fs from 'fs';
import * as path from 'path';
import { Lesson } from './Lesson';
import { LESSON_ORDER } from './order';

export function loadLessons(dir: string = path.join(__dirname, 'catalog')): Lesson[] {
  const lessons: Lesson[] = [];
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!file.endsWith('.js')) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as { lesson?: Lesson };
    if (mod.lesson && typeof mod.lesson.run === 'function' && mod.lesson.name === file.slice(0, -3)) lessons.push(mod.lesson);
  }
  const rank = (name: string): number => {
    const i = LESSON_ORDER.indexOf(name);
    return i < 0 ? LESSON_ORDER.length : i;
  };
  return lessons.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}
