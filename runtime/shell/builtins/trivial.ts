/** `true`, `false`, `:` */
export const trueB = (): number => 0;
export const falseB = (): number => 1;
