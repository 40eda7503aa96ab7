/**
 * The plate alphabet both the recognizer and the hot lists build on: which
 * characters OCR confuses on plates. It sits below both folders so that
 * recognition/ never imports from hotlist/ (nor the other way round).
 *
 * One class per string; the first character is the canonical symbol. The
 * stored hot-list lookup keys depend on this list: a change needs a migration
 * that recomputes hot_list_entries.lookup_key (see hotlist/plate.ts foldSql).
 */
export const LOOKALIKE_CLASSES: readonly string[] = ['0ODQ', '1ILT', '2Z', '5S', '8B', '6G'];
