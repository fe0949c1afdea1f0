/**
 * Go's `strconv.ParseBool`: `1 t T TRUE true True` and `0 f F FALSE false False`.
 * @returns `undefined` for any other text (Go reads those as `false` with an error)
 */
export function parseGoBool(text: string): boolean | undefined {
  switch (text) {
    case "1":
    case "t":
    case "T":
    case "TRUE":
    case "true":
    case "True":
      return true;
    case "0":
    case "f":
    case "F":
    case "FALSE":
    case "false":
    case "False":
      return false;
    default:
      return undefined;
  }
}
