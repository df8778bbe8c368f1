// SVG files are bundled as their source text (the builder's default).
declare module '*.svg' {
  const svgstr: string;
  export default svgstr;
}
