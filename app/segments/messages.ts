/**
 * Every message the engine writes for a merchant, in English and in Dutch: one entry per message,
 * keyed, with the parameters it is made of. Errors and row problems carry a Message (a key and its
 * parameters) and are put into words only where they are shown: in English for the CLI, the golden
 * files and `error.message`; in the admin's language in the editor.
 *
 * Parameters are text as written in the query (filter names, values, operators: the same in every
 * language), numbers, or messages of their own (`the end of the query`, `a value`), which are put
 * into words in the same language as the message around them.
 *
 * Dutch follows app/locales/nl.json: lower-case (the editor puts "Regel 1, kolom 5:" in front),
 * imperatives rather than "je", and its words: filter, operator, waarde, voorwaarde, query,
 * klantmetaveld, Shopify-beheer. Names, operators and values in the query language stay as they are.
 */
export type Locale = "en" | "nl";

export type Param = string | number | Message;

/** A message not yet put into words: a catalogue key and its parameters. */
export interface Message {
  readonly key: MessageKey;
  readonly params: Readonly<Record<string, Param>>;
}

type Words = Readonly<Record<string, string | number | undefined>>;

/** One message in both languages, from the same parameters (already put into words). */
export interface Entry<P extends Words = Words> {
  readonly en: (p: P) => string;
  readonly nl: (p: P) => string;
}

const entry = <P extends Words = Record<never, never>>(en: (p: P) => string, nl: (p: P) => string): Entry<P> => ({ en, nl });

/** What the parser found where something else belongs. English: a noun ("…, found X"); Dutch: a clause ("…, maar X"). */
type Found = { found: string };

export const MESSAGES = {
  // text kept as given, in every language (a message that did not come from this catalogue)
  verbatim: entry(
    (p: { text: string }) => p.text,
    (p) => p.text,
  ),

  // pieces that go into other messages
  "found.end": entry(
    () => "the end of the query",
    () => "de query houdt op",
  ),
  "found.token": entry(
    (p: { text: string }) => `"${p.text}"`,
    (p) => `er staat "${p.text}"`,
  ),
  "found.string": entry(
    (p: { text: string }) => `'${p.text}'`,
    (p) => `er staat '${p.text}'`,
  ),
  "what.value": entry(
    () => "a value",
    () => "een waarde",
  ),
  "what.lowerBound": entry(
    () => "the lower bound",
    () => "de ondergrens",
  ),
  "what.upperBound": entry(
    () => "the upper bound",
    () => "de bovengrens",
  ),
  "subject.thisCondition": entry(
    () => "this condition",
    () => "deze voorwaarde",
  ),
  "subject.thisOperator": entry(
    () => "this operator",
    () => "deze operator",
  ),

  // suggestions shared by several messages
  "hint.didYouMean": entry(
    (p: { replacement: string }) => `did you mean ${p.replacement}?`,
    (p) => `misschien ${p.replacement}?`,
  ),
  "hint.writeNumber": entry(
    (p: { replacement: string }) => `write ${p.replacement}`,
    (p) => `schrijf ${p.replacement}`,
  ),
  "hint.split": entry(
    () => "split it into smaller segments",
    () => "verdeel de query over kleinere segmenten",
  ),
  "hint.betweenAnd": entry(
    () => "write BETWEEN 10 AND 20",
    () => "schrijf BETWEEN 10 AND 20",
  ),

  // lexer
  "lexer.tooLong": entry(
    (p: { length: number; max: number }) => `the query is ${p.length} characters long; at most ${p.max} are allowed`,
    (p) => `de query is ${p.length} tekens lang; er zijn er hoogstens ${p.max} toegestaan`,
  ),
  "lexer.endsWithDot": entry(
    (p: { name: string }) => `"${p.name}" ends with a dot`,
    (p) => `"${p.name}" eindigt op een punt`,
  ),
  "lexer.filterNameShape": entry(
    () => "a filter name looks like metafields.namespace.key",
    () => "een filternaam ziet eruit als metafields.namespace.key",
  ),
  "lexer.unexpectedCharacter": entry(
    (p: { character: string }) => `unexpected character "${p.character}"`,
    (p) => `onverwacht teken "${p.character}"`,
  ),
  "lexer.singleQuotes": entry(
    () => "text values go in single quotes, like 'vip'",
    () => "zet tekstwaarden tussen enkele aanhalingstekens, zoals 'vip'",
  ),
  "lexer.dateFormat": entry(
    () => "write dates as 2025-01-31",
    () => "schrijf datums als 2025-01-31",
  ),
  "lexer.unstorable": entry(
    () => "this text value holds a character that cannot be stored",
    () => "deze tekstwaarde bevat een teken dat niet kan worden opgeslagen",
  ),
  "lexer.removeUnstorable": entry(
    () => "remove control characters and broken characters from it",
    () => "haal er stuurtekens en beschadigde tekens uit",
  ),
  "lexer.unclosedString": entry(
    () => "this text value has no closing quote",
    () => "deze tekstwaarde heeft geen afsluitend aanhalingsteken",
  ),
  "lexer.closeString": entry(
    () => "end it with a single quote (')",
    () => "sluit hem af met een enkel aanhalingsteken (')",
  ),

  // parser
  "parser.tooManyParts": entry(
    (p: { max: number }) => `the query has more than ${p.max} parts`,
    (p) => `de query bestaat uit meer dan ${p.max} delen`,
  ),
  "parser.empty": entry(
    () => "the query is empty",
    () => "de query is leeg",
  ),
  "parser.startWithFilter": entry(
    () => "start with a filter, like amount_spent > 100",
    () => "begin met een filter, zoals amount_spent > 100",
  ),
  "parser.unopenedParenthesis": entry(
    () => "this closing parenthesis has no opening one",
    () => "bij dit sluithaakje hoort geen openingshaakje",
  ),
  "parser.thousandsSeparator": entry(
    () => "numbers are written without thousands separators",
    () => "getallen worden zonder scheidingsteken voor duizendtallen geschreven",
  ),
  "parser.withoutComma": entry(
    (p: { number: string }) => `write ${p.number} without the comma`,
    (p) => `schrijf ${p.number} zonder de komma`,
  ),
  "parser.expectedJoin": entry(
    (p: { word: string }) => `expected AND or OR before "${p.word}"`,
    (p) => `vóór "${p.word}" hoort AND of OR`,
  ),
  "parser.joinClauses": entry(
    () => "join clauses with AND or OR",
    () => "verbind voorwaarden met AND of OR",
  ),
  "parser.unclosedParenthesis": entry(
    () => "this parenthesis is never closed",
    () => "dit haakje wordt nergens gesloten",
  ),
  "parser.expectedNull": entry(
    (p: Found) => `expected NULL after IS, found ${p.found}`,
    (p) => `na IS hoort NULL, maar ${p.found}`,
  ),
  "parser.writeNull": entry(
    () => "write IS NULL or IS NOT NULL",
    () => "schrijf IS NULL of IS NOT NULL",
  ),
  "parser.expectedAfterNot": entry(
    (p: Found) => `expected CONTAINS or MATCHES after NOT, found ${p.found}`,
    (p) => `na NOT hoort CONTAINS of MATCHES, maar ${p.found}`,
  ),
  "parser.expectedOperator": entry(
    (p: Found & { name: string }) => `expected an operator after ${p.name}, found ${p.found}`,
    (p) => `na ${p.name} hoort een operator, maar ${p.found}`,
  ),
  "parser.clauseOperators": entry(
    () => "use =, !=, >, >=, <, <=, BETWEEN, CONTAINS, MATCHES or IS NULL",
    () => "gebruik =, !=, >, >=, <, <=, BETWEEN, CONTAINS, MATCHES of IS NULL",
  ),
  "parser.conditionOperators": entry(
    () => "use =, !=, >, >=, <, <=, IN, NOT IN or BETWEEN",
    () => "gebruik =, !=, >, >=, <, <=, IN, NOT IN of BETWEEN",
  ),
  "parser.betweenNeedsAnd": entry(
    (p: Found) => `BETWEEN needs AND between its two values, found ${p.found}`,
    (p) => `tussen de twee waarden van BETWEEN hoort AND, maar ${p.found}`,
  ),
  "parser.matchesNeedsParentheses": entry(
    (p: Found) => `MATCHES needs its conditions in parentheses, found ${p.found}`,
    (p) => `de voorwaarden van MATCHES horen tussen haakjes, maar ${p.found}`,
  ),
  "parser.writeMatches": entry(
    () => "write MATCHES (id = 123)",
    () => "schrijf MATCHES (id = 123)",
  ),
  "parser.expectedCondition": entry(
    (p: Found) => `expected a condition such as id = 123, found ${p.found}`,
    (p) => `hier hoort een voorwaarde zoals id = 123, maar ${p.found}`,
  ),
  "parser.expectedIn": entry(
    (p: Found) => `expected IN after NOT, found ${p.found}`,
    (p) => `na NOT hoort IN, maar ${p.found}`,
  ),
  "parser.writeNotIn": entry(
    () => "write id NOT IN (1, 2)",
    () => "schrijf id NOT IN (1, 2)",
  ),
  "parser.endsBeforeFilter": entry(
    () => "the query ends where a filter should follow",
    () => "de query houdt op waar nog een filter moet volgen",
  ),
  "parser.removeTrailing": entry(
    () => "remove the trailing AND, OR or NOT, or add a clause",
    () => "verwijder de AND, OR of NOT aan het eind, of voeg een voorwaarde toe",
  ),
  "parser.clauseBefore": entry(
    (p: { word: string }) => `${p.word} needs a clause before it`,
    (p) => `vóór ${p.word} hoort een voorwaarde`,
  ),
  "parser.expectedFilter": entry(
    (p: Found) => `expected a filter name, found ${p.found}`,
    (p) => `hier hoort een filternaam, maar ${p.found}`,
  ),
  "parser.startClause": entry(
    () => "start a clause with a filter, like amount_spent",
    () => "begin een voorwaarde met een filter, zoals amount_spent",
  ),
  "parser.expectedArgument": entry(
    (p: Found) => `expected an argument such as id: 123, found ${p.found}`,
    (p) => `hier hoort een argument zoals id: 123, maar ${p.found}`,
  ),
  "parser.expectedColon": entry(
    (p: Found & { name: string }) => `expected ":" after ${p.name}, found ${p.found}`,
    (p) => `na ${p.name} hoort ":", maar ${p.found}`,
  ),
  "parser.expectedList": entry(
    (p: Found) => `expected a list of values in parentheses, found ${p.found}`,
    (p) => `hier hoort een lijst met waarden tussen haakjes, maar ${p.found}`,
  ),
  "parser.writeList": entry(
    () => "write IN (1, 2, 3)",
    () => "schrijf IN (1, 2, 3)",
  ),
  "parser.expectedValueWord": entry(
    (p: { what: string; word: string }) => `expected ${p.what}, found the word ${p.word}`,
    (p) => `hier hoort ${p.what}, maar er staat het woord ${p.word}`,
  ),
  "parser.quoteWord": entry(
    (p: { word: string }) => `text values go in single quotes: '${p.word}'`,
    (p) => `zet tekstwaarden tussen enkele aanhalingstekens: '${p.word}'`,
  ),
  "parser.expectedValue": entry(
    (p: Found & { what: string }) => `expected ${p.what}, found ${p.found}`,
    (p) => `hier hoort ${p.what}, maar ${p.found}`,
  ),
  "parser.tooDeep": entry(
    (p: { max: number }) => `the query is nested more than ${p.max} levels deep`,
    (p) => `de query is meer dan ${p.max} niveaus diep genest`,
  ),
  "parser.removeNesting": entry(
    () => "remove some parentheses or NOTs",
    () => "verwijder een paar haakjes of NOT's",
  ),

  // checker
  "checker.noArguments": entry(
    (p: { filter: string }) => `${p.filter} takes no arguments in parentheses`,
    (p) => `bij ${p.filter} horen geen argumenten tussen haakjes`,
  ),
  "checker.badOperator": entry(
    (p: { name: string; operator: string }) => `${p.name} cannot be used with ${p.operator}`,
    (p) => `${p.name} werkt niet met ${p.operator}`,
  ),
  "checker.takesOperators": entry(
    (p: { name: string; operators: string }) => `${p.name} takes ${p.operators}`,
    (p) => `${p.name} werkt met ${p.operators}`,
  ),
  "checker.takesEquality": entry(
    (p: { name: string }) => `${p.name} takes = or !=`,
    (p) => `${p.name} werkt met = of !=`,
  ),
  "checker.takesEqualityOrIn": entry(
    (p: { name: string }) => `${p.name} takes = or != or IN (…)`,
    (p) => `${p.name} werkt met =, != of IN (…)`,
  ),
  "checker.legacyComparison": entry(
    (p: { filter: string }) => `${p.filter}(…) is compared with = true or = false`,
    (p) => `${p.filter}(…) wordt vergeleken met = true of = false`,
  ),
  "checker.orMatches": entry(
    (p: { filter: string }) => `or write ${p.filter} MATCHES (…)`,
    (p) => `of schrijf ${p.filter} MATCHES (…)`,
  ),
  "checker.notAList": entry(
    (p: { name: string }) => `${p.name} takes one value, not a list`,
    (p) => `${p.name} accepteert één waarde, geen lijst`,
  ),
  "checker.onlyListParameters": entry(
    (p: { names: string }) => `only ${p.names} takes a list`,
    (p) => `alleen ${p.names} accepteert een lijst`,
  ),
  "checker.noListParameter": entry(
    (p: { filter: string }) => `${p.filter} has no condition that takes a list`,
    (p) => `${p.filter} heeft geen voorwaarde die een lijst accepteert`,
  ),
  "checker.anniversaryArgument": entry(
    () => "anniversary needs one argument naming a date metafield",
    () => "anniversary heeft één argument nodig met de naam van een datummetaveld",
  ),
  "checker.writeAnniversary": entry(
    () => "write anniversary(date: 'metafields.facts.birth_date')",
    () => "schrijf anniversary(date: 'metafields.facts.birth_date')",
  ),
  "checker.notDateMetafield": entry(
    (p: { name: string }) => `${p.name} is not a date metafield of this shop`,
    (p) => `${p.name} is geen datummetaveld van deze winkel`,
  ),
  "checker.noSuchCondition": entry(
    (p: { filter: string; name: string }) => `${p.filter} has no condition ${p.name}`,
    (p) => `${p.filter} heeft geen voorwaarde ${p.name}`,
  ),
  "checker.useConditions": entry(
    (p: { names: string }) => `use ${p.names}`,
    (p) => `kies uit ${p.names}`,
  ),
  "checker.conditionTwice": entry(
    (p: { name: string; filter: string }) => `${p.name} appears twice in ${p.filter}`,
    (p) => `${p.name} staat twee keer in ${p.filter}`,
  ),
  "checker.conditionOnce": entry(
    () => "each condition can appear only once",
    () => "elke voorwaarde mag maar één keer voorkomen",
  ),
  "checker.expectsNumber": entry(
    (p: { name: string; value: string }) => `${p.name} compares with a number, not ${p.value}`,
    (p) => `${p.name} wordt vergeleken met een getal, niet met ${p.value}`,
  ),
  "checker.writeNumber": entry(
    () => "write a number such as 100 or 12.50, without thousands separators",
    () => "schrijf een getal zoals 100 of 12.50, zonder scheidingsteken voor duizendtallen",
  ),
  "checker.wholeNumbers": entry(
    (p: { name: string; value: string }) => `${p.name} counts in whole numbers, not ${p.value}`,
    (p) => `${p.name} telt alleen hele getallen, niet ${p.value}`,
  ),
  "checker.writeWholeNumber": entry(
    () => "write a whole number",
    () => "schrijf een heel getal",
  ),
  "checker.dateTooEarly": entry(
    (p: { date: string }) => `${p.date} is too far in the past`,
    (p) => `${p.date} ligt te ver in het verleden`,
  ),
  "checker.datesStart": entry(
    () => "dates start at 0100-01-01",
    () => "datums beginnen bij 0100-01-01",
  ),
  "checker.notOnCalendar": entry(
    (p: { date: string }) => `${p.date} is not a date on the calendar`,
    (p) => `${p.date} bestaat niet op de kalender`,
  ),
  "checker.expectsDate": entry(
    (p: { name: string; value: string }) => `${p.name} compares with a date, not ${p.value}`,
    (p) => `${p.name} wordt vergeleken met een datum, niet met ${p.value}`,
  ),
  "checker.writeDate": entry(
    () => "write 2025-01-31, -30d, today or yesterday",
    () => "schrijf 2025-01-31, -30d, today of yesterday",
  ),
  "checker.expectsText": entry(
    (p: { name: string; value: string }) => `${p.name} compares with text in single quotes, not ${p.value}`,
    (p) => `${p.name} wordt vergeleken met tekst tussen enkele aanhalingstekens, niet met ${p.value}`,
  ),
  "checker.expectsEnum": entry(
    (p: { name: string; values: string }) => `${p.name} is one of ${p.values}, in single quotes`,
    (p) => `${p.name} is een van ${p.values}, tussen enkele aanhalingstekens`,
  ),
  "checker.notAnEnumValue": entry(
    (p: { value: string; name: string; values: string }) => `'${p.value}' is not a value of ${p.name}; it is one of ${p.values}`,
    (p) => `'${p.value}' is geen waarde van ${p.name}; kies uit ${p.values}`,
  ),
  "checker.expectsBoolean": entry(
    (p: { name: string; value: string }) => `${p.name} is true or false, not ${p.value}`,
    (p) => `${p.name} is true of false, niet ${p.value}`,
  ),
  "checker.unknownMetafield": entry(
    (p: { name: string }) => `this shop has no customer metafield definition ${p.name}`,
    (p) => `deze winkel heeft geen definitie voor het klantmetaveld ${p.name}`,
  ),
  "checker.createDefinition": entry(
    () => "create the definition in Shopify admin first",
    () => "maak de definitie eerst aan in Shopify-beheer",
  ),
  "checker.unknownFilter": entry(
    (p: { name: string }) => `unknown filter ${p.name}`,
    (p) => `onbekend filter ${p.name}`,
  ),
  "engine.unchecked": entry(
    () => "this clause was not checked",
    () => "deze voorwaarde is niet gecontroleerd",
  ),

  // rows (the segment editor's rows of filter / operator / value)
  "rows.not": entry(
    () => "NOT in front of a clause cannot be shown as rows",
    () => "NOT vóór een voorwaarde kan niet op het tabblad Voorwaarden worden getoond",
  ),
  "rows.notGroup": entry(
    () => "NOT in front of a group in parentheses cannot be shown as rows",
    () => "NOT vóór een groep tussen haakjes kan niet op het tabblad Voorwaarden worden getoond",
  ),
  "rows.tooDeep": entry(
    () => "this part is nested too deeply to show as rows: rows combine groups of conditions, but not groups within groups",
    () => "dit deel is te diep genest voor het tabblad Voorwaarden: dat combineert groepen voorwaarden, maar geen groepen binnen groepen",
  ),
  "rows.emptyArguments": entry(
    () => "empty parentheses after a filter name cannot be shown as rows",
    () => "lege haakjes na een filternaam kunnen niet op het tabblad Voorwaarden worden getoond",
  ),
  "rows.chooseCombinator": entry(
    () => "choose AND or OR to join the groups",
    () => "kies “en” of “of” om de groepen te verbinden",
  ),
  "rows.addRow": entry(
    () => "add at least one row",
    () => "voeg minstens één voorwaarde toe",
  ),
  "rows.chooseGroupCombinator": entry(
    () => "choose AND or OR to join the rows of this group",
    () => "kies “en” of “of” om de voorwaarden van deze groep te verbinden",
  ),
  "rows.emptyGroup": entry(
    () => "this group has no rows; add one or remove the group",
    () => "deze groep heeft geen voorwaarden; voeg er een toe of verwijder de groep",
  ),
  "rows.notAQuery": entry(
    () => "these rows cannot be written as a query",
    () => "deze voorwaarden kunnen niet als query worden geschreven",
  ),
  "rows.chooseFilter": entry(
    () => "choose a filter",
    () => "kies een filter",
  ),
  "rows.chooseOperator": entry(
    () => "choose an operator",
    () => "kies een operator",
  ),
  "rows.notAnOperator": entry(
    (p: { operator: string }) => `${p.operator} is not an operator`,
    (p) => `${p.operator} is geen operator`,
  ),
  "rows.enter": entry(
    (p: { what: string }) => `enter ${p.what}`,
    (p) => `vul ${p.what} in`,
  ),
  "rows.what.value": entry(
    () => "a value",
    () => "een waarde",
  ),
  "rows.what.lowerValue": entry(
    () => "a lower value",
    () => "een ondergrens",
  ),
  "rows.what.upperValue": entry(
    () => "an upper value",
    () => "een bovengrens",
  ),
  "rows.takesNoValue": entry(
    (p: { operator: string }) => `${p.operator} takes no value; clear it`,
    (p) => `${p.operator} heeft geen waarde nodig; maak het veld leeg`,
  ),
  "rows.takesOneValue": entry(
    (p: { operator: string }) => `${p.operator} takes one value; clear the second one`,
    (p) => `${p.operator} heeft maar één waarde nodig; maak het tweede veld leeg`,
  ),
  "rows.takesNoConditions": entry(
    (p: { operator: string }) => `${p.operator} takes no conditions; remove them`,
    (p) => `bij ${p.operator} horen geen voorwaarden; verwijder ze`,
  ),
  "rows.conditionNeedsName": entry(
    () => "this condition needs a name, like id or date",
    () => "deze voorwaarde heeft een naam nodig, zoals id of date",
  ),
  "rows.notAConditionName": entry(
    (p: { name: string }) => `${p.name} is not a condition name`,
    (p) => `${p.name} is geen naam van een voorwaarde`,
  ),
  "rows.chooseConditionOperator": entry(
    (p: { name: string }) => `choose an operator for ${p.name}`,
    (p) => `kies een operator voor ${p.name}`,
  ),
  "rows.notAConditionOperator": entry(
    (p: { operator: string }) => `${p.operator} is not an operator for a condition`,
    (p) => `${p.operator} is geen operator voor een voorwaarde`,
  ),
  "rows.filterWithParentheses": entry(
    () => "write the filter name without parentheses; its arguments go apart",
    () => "schrijf de filternaam zonder haakjes; de argumenten komen apart",
  ),
  "rows.notAFilterName": entry(
    (p: { name: string }) => `${p.name} is not a filter name`,
    (p) => `${p.name} is geen filternaam`,
  ),
  "rows.unreadableArguments": entry(
    (p: { args: string }) => `the arguments ${p.args} cannot be read; write them like date: 'metafields.facts.birth_date'`,
    (p) => `de argumenten ${p.args} zijn onleesbaar; schrijf ze als date: 'metafields.facts.birth_date'`,
  ),
  "rows.notOneValue": entry(
    (p: { text: string }) => `${p.text} is not a single value; write one value such as 100, 'vip', -30d, 2025-01-31, today or true`,
    (p) => `${p.text} is niet één waarde; schrijf één waarde, zoals 100, 'vip', -30d, 2025-01-31, today of true`,
  ),
  "rows.enterList": entry(
    () => "enter one or more values, separated by commas",
    () => "vul een of meer waarden in, gescheiden door komma's",
  ),
  "rows.notAList": entry(
    (p: { text: string }) => `${p.text} is not a list of values; write values separated by commas, like 1, 2, 3`,
    (p) => `${p.text} is geen lijst met waarden; scheid de waarden met komma's, zoals 1, 2, 3`,
  ),
  "rows.unreadable": entry(
    (p: { text: string; problem: string; suggestion?: string }) => `${p.text} cannot be read: ${p.problem}${p.suggestion ? `; ${p.suggestion}` : ""}`,
    (p) => `${p.text} is onleesbaar: ${p.problem}${p.suggestion ? `; ${p.suggestion}` : ""}`,
  ),
  "rows.numberOutOfRange": entry(
    () => "a number this large or this small cannot be written in a query",
    () => "een getal dat zo groot of zo klein is, kan niet in een query worden geschreven",
  ),
  "rows.lineBreak": entry(
    () => "a text value cannot contain a line break",
    () => "een tekstwaarde mag geen regeleinde bevatten",
  ),
  "rows.notWritable": entry(
    (p: { value: string }) => `${p.value} cannot be written in a query`,
    (p) => `${p.value} kan niet in een query worden geschreven`,
  ),
} as const;

export type MessageKey = keyof typeof MESSAGES;

type ParamsOf<K extends MessageKey> = (typeof MESSAGES)[K] extends Entry<infer P> ? P : never;

/** The parameters as a message takes them: where words go, a message of its own may go too. */
export type MessageParams<K extends MessageKey> = { [N in keyof ParamsOf<K>]: Exclude<ParamsOf<K>[N], undefined> extends string ? string | Message : ParamsOf<K>[N] };

/** A message of the catalogue with its parameters. */
export function message<K extends MessageKey>(key: K, ...params: Record<never, never> extends ParamsOf<K> ? [params?: MessageParams<K>] : [params: MessageParams<K>]): Message {
  const given = (params[0] ?? {}) as Record<string, Param | undefined>;
  // an optional parameter left out is not a parameter
  const defined = Object.fromEntries(Object.entries(given).filter((entry): entry is [string, Param] => entry[1] !== undefined));
  return { key, params: defined };
}

/** Text that is the same in every language (it did not come from the catalogue). */
export function verbatim(text: string): Message {
  return message("verbatim", { text });
}

/** The message in words, its parameters (messages among them) in the same language. */
export function render(text: Message, locale: Locale): string {
  const words: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.params)) words[name] = typeof value === "object" ? render(value, locale) : value;
  return (MESSAGES[text.key][locale] as (p: Words) => string)(words);
}

/** Suggestions that name the text to put in place of the error's span ("did you mean amount_spent?", "write 3"); the rest are advice. */
const REPLACEMENTS: ReadonlySet<MessageKey> = new Set<MessageKey>(["hint.didYouMean", "hint.writeNumber"]);

/** The text a suggestion would put in place of the span, when it is a replacement; null for advice. */
export function replacementOf(suggestion: Message | undefined): string | null {
  if (!suggestion || !REPLACEMENTS.has(suggestion.key)) return null;
  const replacement = suggestion.params.replacement;
  return typeof replacement === "string" ? replacement : null;
}
