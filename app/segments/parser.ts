import type {
  Argument,
  Between,
  Clause,
  ComparisonOperator,
  Expression,
  FilterRef,
  Parameter,
  Query,
  Value,
  ValueList,
} from "./ast";
import { SegmentQueryError, syntaxError, type Span } from "./errors";
import { tokenize } from "./lexer";
import { message, type Message } from "./messages";
import { isKeyword, KEYWORDS, type Keyword, type Token } from "./token";

export const MAX_DEPTH = 32;
export const MAX_TOKENS = 5_000;

/** Parses segment query text into an AST; throws SegmentQueryError (and nothing else) for bad input. */
export function parse(source: string): Query {
  return new Parser(source).parseQuery();
}

const DEPRECATED_UNITS: Record<string, "d" | "w" | "m" | "y"> = { days: "d", weeks: "w", months: "m", years: "y" };

class Parser {
  private readonly tokens: Token[];
  private position = 0;
  private depth = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
    if (this.tokens.length > MAX_TOKENS) {
      const token = this.tokens[MAX_TOKENS] as Token;
      throw new SegmentQueryError("TOO_LONG", message("parser.tooManyParts", { max: MAX_TOKENS }), source, token, message("hint.split"));
    }
  }

  /** Query : Expression EOF */
  parseQuery(): Query {
    if (this.peek().kind === "EOF") {
      throw syntaxError(this.source, { start: 0, end: this.source.length }, message("parser.empty"), message("parser.startWithFilter"));
    }
    const expression = this.parseOr();
    const next = this.peek();
    if (next.kind !== "EOF") {
      if (next.kind === "RParen") throw syntaxError(this.source, next, message("parser.unopenedParenthesis"));
      const previous = this.tokens[this.position - 1];
      if (next.kind === "Comma" && previous?.kind === "Number") {
        throw syntaxError(this.source, next, message("parser.thousandsSeparator"), message("parser.withoutComma", { number: `${previous.value}${this.tokens[this.position + 1]?.value ?? ""}` }));
      }
      throw syntaxError(this.source, next, message("parser.expectedJoin", { word: next.value }), message("parser.joinClauses"));
    }
    return { kind: "Query", expression, span: { start: 0, end: this.source.length } };
  }

  /** Or : And (OR And)* */
  private parseOr(): Expression {
    const first = this.parseAnd();
    const operands = [first];
    while (isKeyword(this.peek(), "OR")) {
      this.advance();
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? first : { kind: "Or", operands, span: this.spanOf(first.span, this.consumed()) };
  }

  /** And : Unary (AND Unary)* */
  private parseAnd(): Expression {
    const first = this.parseUnary();
    const operands = [first];
    while (isKeyword(this.peek(), "AND")) {
      this.advance();
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? first : { kind: "And", operands, span: this.spanOf(first.span, this.consumed()) };
  }

  /** Unary : NOT Unary | ( Or ) | Clause */
  private parseUnary(): Expression {
    const token = this.peek();
    if (isKeyword(token, "NOT")) {
      this.advance();
      const operand = this.nested(token, () => this.parseUnary());
      return { kind: "Not", operand, span: this.spanOf(token, this.consumed()) };
    }
    if (token.kind === "LParen") {
      this.advance();
      const inner = this.nested(token, () => this.parseOr());
      this.expectClosing(token);
      return inner;
    }
    return this.parseClause();
  }

  /**
   * Clause : Filter Operator Value | Filter BETWEEN Value AND Value | Filter [NOT] CONTAINS Value
   *        | Filter IS [NOT] NULL | Filter [NOT] MATCHES ( Parameter (, Parameter)* )
   */
  private parseClause(): Clause {
    const filter = this.parseFilter();
    const token = this.peek();
    if (token.kind === "Operator") {
      this.advance();
      const value = this.parseValue(message("what.value"));
      return { kind: "Comparison", filter, operator: token.value as ComparisonOperator, value, span: this.spanOf(filter.span, value.span) };
    }
    if (isKeyword(token, "BETWEEN")) {
      this.advance();
      return this.parseBetweenRest(filter);
    }
    if (isKeyword(token, "CONTAINS")) {
      this.advance();
      const value = this.parseValue(message("what.value"));
      return { kind: "Contains", filter, negated: false, value, span: this.spanOf(filter.span, value.span) };
    }
    if (isKeyword(token, "IS")) {
      this.advance();
      const negated = this.accept("NOT");
      const last = this.expectKeyword("NULL", (found) => message("parser.expectedNull", { found }), message("parser.writeNull"));
      return { kind: "NullCheck", filter, negated, span: this.spanOf(filter.span, last) };
    }
    if (isKeyword(token, "MATCHES")) {
      this.advance();
      return this.parseMatchesRest(filter, false);
    }
    if (isKeyword(token, "NOT")) {
      this.advance();
      const next = this.peek();
      if (isKeyword(next, "CONTAINS")) {
        this.advance();
        const value = this.parseValue(message("what.value"));
        return { kind: "Contains", filter, negated: true, value, span: this.spanOf(filter.span, value.span) };
      }
      if (isKeyword(next, "MATCHES")) {
        this.advance();
        return this.parseMatchesRest(filter, true);
      }
      throw syntaxError(this.source, next, message("parser.expectedAfterNot", { found: describe(next) }));
    }
    throw syntaxError(
      this.source,
      token,
      message("parser.expectedOperator", { name: filter.name, found: describe(token) }),
      message("parser.clauseOperators"),
    );
  }

  /** the part after BETWEEN: Value AND Value */
  private parseBetweenRest(filter: FilterRef): Between {
    const low = this.parseValue(message("what.lowerBound"));
    this.expectKeyword("AND", (found) => message("parser.betweenNeedsAnd", { found }), message("hint.betweenAnd"));
    const high = this.parseValue(message("what.upperBound"));
    return { kind: "Between", filter, low, high, span: this.spanOf(filter.span, high.span) };
  }

  /** the part after MATCHES: ( Parameter (, Parameter)* ) */
  private parseMatchesRest(filter: FilterRef, negated: boolean): Clause {
    const open = this.expect("LParen", (found) => message("parser.matchesNeedsParentheses", { found }), message("parser.writeMatches"));
    const parameters: Parameter[] = [];
    // `MATCHES ()`: any purchase at all
    if (this.peek().kind !== "RParen") parameters.push(this.parseParameter());
    while (parameters.length > 0 && this.peek().kind === "Comma") {
      this.advance();
      parameters.push(this.parseParameter());
    }
    const close = this.expectClosing(open);
    return { kind: "Matches", filter, negated, parameters, span: this.spanOf(filter.span, close) };
  }

  /** Parameter : Name Operator Value | Name IN ( Value, … ) | Name BETWEEN Value AND Value */
  private parseParameter(): Parameter {
    const name = this.peek();
    if (name.kind !== "Name" || isReserved(name)) throw syntaxError(this.source, name, message("parser.expectedCondition", { found: describe(name) }));
    this.advance();
    const token = this.peek();
    if (token.kind === "Operator") {
      this.advance();
      const value = this.parseValue(message("what.value"));
      return { kind: "ParamComparison", name: name.value, operator: token.value as ComparisonOperator, value, span: this.spanOf(name, value.span) };
    }
    if (isKeyword(token, "IN") || isKeyword(token, "NOT")) {
      this.advance();
      const negated = isKeyword(token, "NOT");
      if (negated) this.expectKeyword("IN", (found) => message("parser.expectedIn", { found }), message("parser.writeNotIn"));
      const values = this.parseValueList();
      return { kind: "ParamIn", name: name.value, negated, values, span: this.spanOf(name, values.span) };
    }
    if (isKeyword(token, "BETWEEN")) {
      this.advance();
      const low = this.parseValue(message("what.lowerBound"));
      this.expectKeyword("AND", (found) => message("parser.betweenNeedsAnd", { found }), message("hint.betweenAnd"));
      const high = this.parseValue(message("what.upperBound"));
      return { kind: "ParamBetween", name: name.value, low, high, span: this.spanOf(name, high.span) };
    }
    throw syntaxError(this.source, token, message("parser.expectedOperator", { name: name.value, found: describe(token) }), message("parser.conditionOperators"));
  }

  /** Filter : Name [ ( Argument (, Argument)* ) ] */
  private parseFilter(): FilterRef {
    const name = this.peek();
    if (name.kind !== "Name" || isReserved(name)) {
      if (name.kind === "EOF") throw syntaxError(this.source, name, message("parser.endsBeforeFilter"), message("parser.removeTrailing"));
      if (isKeyword(name, "AND") || isKeyword(name, "OR")) {
        throw syntaxError(this.source, name, message("parser.clauseBefore", { word: name.value.toUpperCase() }));
      }
      throw syntaxError(this.source, name, message("parser.expectedFilter", { found: describe(name) }), message("parser.startClause"));
    }
    this.advance();
    if (this.peek().kind !== "LParen") return { kind: "Filter", name: name.value, args: null, span: name };
    const open = this.advance();
    const args: Argument[] = [];
    const first = this.peek();
    if (first.kind === "String" && name.value.toLowerCase() === "anniversary") {
      // Shopify's reference also writes anniversary('metafields.facts.birth_date'): the argument is the date
      this.advance();
      args.push({ kind: "Argument", name: "date", value: { kind: "String", value: first.value, span: first }, span: first });
    } else if (first.kind !== "RParen") args.push(this.parseArgument()); // `f()`: the legacy form without conditions
    while (args.length > 0 && this.peek().kind === "Comma") {
      this.advance();
      args.push(this.parseArgument());
    }
    const close = this.expectClosing(open);
    return { kind: "Filter", name: name.value, args, span: this.spanOf(name, close) };
  }

  /** Argument : Name : (Value | ( Value, … )) */
  private parseArgument(): Argument {
    const name = this.peek();
    if (name.kind !== "Name" || isReserved(name)) throw syntaxError(this.source, name, message("parser.expectedArgument", { found: describe(name) }));
    this.advance();
    this.expect("Colon", (found) => message("parser.expectedColon", { name: name.value, found }));
    const value = this.peek().kind === "LParen" ? this.parseValueList() : this.parseValue(message("what.value"));
    return { kind: "Argument", name: name.value, value, span: this.spanOf(name, value.span) };
  }

  /** ValueList : ( Value (, Value)* ) */
  private parseValueList(): ValueList {
    const open = this.expect("LParen", (found) => message("parser.expectedList", { found }), message("parser.writeList"));
    const values: Value[] = [this.parseValue(message("what.value"))];
    while (this.peek().kind === "Comma") {
      this.advance();
      values.push(this.parseValue(message("what.value")));
    }
    const close = this.expectClosing(open);
    return { kind: "ValueList", values, span: this.spanOf(open, close) };
  }

  /** Value : Number | String | Date | RelativeDate | today | yesterday | true | false */
  private parseValue(what: Message): Value {
    const token = this.peek();
    switch (token.kind) {
      case "Number":
        this.advance();
        return { kind: "Number", value: Number(token.value), raw: token.value, span: token };
      case "String":
        this.advance();
        return { kind: "String", value: token.value, span: token };
      case "Date":
        this.advance();
        return { kind: "Date", value: token.value, span: token };
      case "RelativeDate": {
        this.advance();
        const unit = token.value.slice(-1) as "d" | "w" | "m" | "y";
        return { kind: "RelativeDate", amount: Number(token.value.slice(0, -1)), unit, deprecated: false, span: token };
      }
      case "DeprecatedDate": {
        this.advance();
        const [count, unit] = token.value.split("_") as [string, string];
        return { kind: "RelativeDate", amount: -Number(count), unit: DEPRECATED_UNITS[unit] ?? "d", deprecated: true, span: token };
      }
      case "Name": {
        const word = token.value.toLowerCase();
        if (word === "today" || word === "yesterday") {
          this.advance();
          return { kind: "NamedDate", name: word, span: token };
        }
        if (word === "true" || word === "false") {
          this.advance();
          return { kind: "Boolean", value: word === "true", span: token };
        }
        if (!isReserved(token)) {
          throw syntaxError(this.source, token, message("parser.expectedValueWord", { what, word: token.value }), message("parser.quoteWord", { word: token.value }));
        }
        break;
      }
      default:
        break;
    }
    throw syntaxError(this.source, token, message("parser.expectedValue", { what, found: describe(token) }));
  }

  /** Enters one level of nesting, opened by `token` (a parenthesis or NOT), where a too-deep query is reported. */
  private nested<T>(token: Token, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      throw new SegmentQueryError("TOO_DEEP", message("parser.tooDeep", { max: MAX_DEPTH }), this.source, token, message("parser.removeNesting"));
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** The last token read: a span ending here includes a closing parenthesis the operand's own span leaves out. */
  private consumed(): Token {
    return this.tokens[this.position - 1] as Token;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== "EOF") this.position++;
    return token;
  }

  private accept(keyword: Keyword): boolean {
    if (!isKeyword(this.peek(), keyword)) return false;
    this.advance();
    return true;
  }

  /** The token of `kind`, or an error saying what was found instead. */
  private expect(kind: Exclude<Token["kind"], "RParen">, problem: (found: Message) => Message, suggestion?: Message): Token {
    const token = this.peek();
    if (token.kind === kind) return this.advance();
    throw syntaxError(this.source, token, problem(describe(token)), suggestion);
  }

  /** The parenthesis closing `opening`; an unclosed parenthesis is reported where it opened. */
  private expectClosing(opening: Token): Token {
    const token = this.peek();
    if (token.kind === "RParen") return this.advance();
    throw syntaxError(this.source, opening, message("parser.unclosedParenthesis"));
  }

  private expectKeyword(keyword: Keyword, problem: (found: Message) => Message, suggestion?: Message): Token {
    const token = this.peek();
    if (isKeyword(token, keyword)) return this.advance();
    throw syntaxError(this.source, token, problem(describe(token)), suggestion);
  }

  private spanOf(from: Span, to: Span): Span {
    return { start: from.start, end: to.end };
  }
}

const RESERVED = new Set<string>(KEYWORDS);
function isReserved(token: Token): boolean {
  return token.kind === "Name" && RESERVED.has(token.value.toUpperCase());
}

/** What was found where something else belongs: "the end of the query", 'vip', "(". */
function describe(token: Token): Message {
  switch (token.kind) {
    case "EOF":
      return message("found.end");
    case "String":
      return message("found.string", { text: token.value });
    default:
      return message("found.token", { text: token.value });
  }
}
