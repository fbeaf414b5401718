"""Odd source text for the decoders: argument values and whole answers, per language.

Each entry exercises a decoder rule: escapes, prefixes, operators, displays, calls as values,
Python keywords, Java literals and collections, JavaScript literals and objects, comments,
non-ASCII text. ``{f}`` is the gold function name and ``{c}`` one rendered gold call.
Nothing here may make BFCL hang or run code we refuse on purpose (see arith.py): no huge
powers or repetitions, no calls of builtins inside arithmetic.
"""

EXOTIC_VALUES = {
    "python": [
        "f'x{1}'", "lambda: 3", "{1, 2}", "x.y", "math.pi", "x[0]", "x[1:2]", "x[1, 2]", "b'bytes'", "3j", "1+2j",
        "...", "'a' 'b'", "g()", "g(1)", "g(1, x=2)", "g(x=1)", "h.k(y='z')", r"'a\nb'", "'''tri'''", '"it\'s"',
        r"r'raw\d'", "10**20", "2**-1", "7//2", "7 % 3", "'%s-%d' % ('a', 1)", "'ab' * 3", "[0] * 3",
        "(1, 2) + (3,)", "1 < 2", "1 if True else 2", "True and 5", "not x", "-x", "--5", "-(1+2)", "~1", "+True",
        "-'a'", "[None, true, null]", "{'k': null}", "{**d}", "[*a]", "0x1F", "0o17", "1_000", "1e400", "-1e-400",
        "00", "007", "x == 1", "a.b.c", "print", "await x", "(yield)", "2**1000", "1/0", "'2024' - 1", "[1, 2][0]",
        "{1: 'a'}[1]", "{'a': {'b': [1, {'c': 2}]}}", "(1 < 2) + 1", "(True and 5) * 2", "(1 if True else 2) + 0",
        "[1, 2] + [3]", "{'a': 1} | {'b': 2}", "{1} | {2}", "'x' + 'y' * 2", "-(2) + 1", "x + 1", "os + 1",
        "2 ** 0.5", "-5 ** 2", "(-8) ** (1/3)", "1e308 * 10", "10.0 ** 400", "1 << 4", "True + True", "{'a': 1,}",
        "[1, 2,]", "(1)", "()", "(1,)", "{}", "[]", "''", "' '", r"'\t'", "'é'", "'日本'", r"'\u00e9'",
        "[[1, 2], [3]]", "[{'a': 1}, {'b': 2}]", "{'x': [1, 2], 'y': {'z': None}}", "[1, 'two', 3.0, True, None]",
        "- 5", "+ 2.5", "-0", "+0.0", "1.", ".5", "1e5", "1E-3", "'a' \"b\"", "'tab\there'", "{True: 1, 1: 2}",
        "0.1+0.2", "0.30000000000000004", "2000001", "2000000.0", "5e-12", "8.854e-12", "8.854 * 10**-12",
    ],
    "java": [
        "new int[3]", "List.of(1, 2)", "x -> x + 1", "'c'", r'"a\"b"', "x.y", "(1)", "new Foo() {{ bar(); }}",
        "String.class", "/* c */ 5", '"é"', "null", "1 + 2", '"a" + "b"', "new int[][]{{1}, {2}}",
        'new HashMap<String, Integer>() {{ put("k", 1); }}', 'Map.of("k", 1)', "true ? 1 : 2", "-5", "0x1F",
        "5L", "3.5f", "1e3", 'new String[]{"a", "b"}', "new String[]{a, b}", "new ArrayList<>()",
        "Arrays.asList(1, 2)", "obj.method(a=1)", "new int[]{}", "`x`", "#", '"a, b"', r"'\n'",
        'new ArrayList<>(Arrays.asList("a, b", "c"))', 'new ArrayList<String>() {{ add("x"); add("y"); }}',
        "new HashMap<>()", "100L", "-7l", "2.5F", "1e-3f", ".5f", "3.0d", "42", "+3", "4.0", "TRUE", "false",
        '"true"', 'new Object[]{1, "abc", true}', "new long[]{1L, 2, 3L}", "new ArrayList<>(Arrays.asList(abc, de))",
    ],
    "javascript": [
        "`tmpl ${x}`", "() => 1", "undefined", "/re+/g", "new Date()", "{a: {b: 1}}", "[[1, 2], [3]]", "[...a]",
        "{...o}", "null", "NaN", "1e3", "-5", "10n", "'a' + 'b'", "x?.y", "[1, 'two', true]",
        "{'k': 'v', n: [1, 2]}", "new Array(1, 2)", "function() {}", "a => a * 2", "true", "false", "0x1F",
        '"a, b"', "['a, b', 'c']", "{}", "[]", "new Map()", "4.0", "4", "'4'", "[ [ 1, 2 ], [ 3, 4 ] ]",
        "new Array([1, 2], [3, 4])", "{k: 'v'}", '{"k": "v", "n": 1}', "['1', 2]", "Boolean(1)", '""', "''",
        r"'\n'", "{a: 1, b: [1, 2], c: 'x'}", "[true, false]", "['a', \"b\"]",
    ],
}

EXOTIC_STRUCTURES = {
    "python": [
        "[{f}][0](a=1)", "{f}(a=1)(b=2)", "[{c}] + [{c}]", "[{c}][0]", "[{f}(a=x) for x in y]", "{{{c}}}",
        "({c}, {c})", "[{f}(**{{'a': 1}})]", "[{f}(a=1, **k)]", "[x[0].{f}(a=1)]", "[g().{f}(a=1)]", "[{c}]\n",
        "[{c}] # done", "[{c}];", "[[{c}]]", "[{c}, 1]", "[{f}]", "[{f}(1, 2)]", "[{c},]", "[\n  {c}\n]",
        "[{c}\n,{c}]", "\\\n[{c}]", "['{c}']", "[{f}(a=1,)]", "[{f}(a=[1, 2,])]", "[{f} (a=1)]", "[{f}(a =1)]",
        "[{f}(a= 'x', b =2)]", "[True(a=1)]", "[{f}(from_=1, _from=2)]", "[{f}(a=1, a=2)]",
    ],
    "java": [
        "[{c}; {c};]", "[{f}(a=1)]", "[{f}()]", "[{f}(x, b=2)]", "[{f}(1, 2)]", "[new C().{f}(a=1)]",
        "[{f}(a=1, a=2)]", "[{c};", "[class A {{ void m() {{ {c}; }} }}]", "[{c}]]", "[ {c} ]", "[{f}(a=1, b=2)]",
        '[{f}(a="x", b=2);]', "[{f}(a = 1, b = 2)]", "[{c} /* done */]", "[// c\n{c}]",
        '[{f}(a=new int[]{{1, 2}}, b="é")]', '[{f}(a="日本", b=2, c=x)]', "[{f}(a+=1, b=2)]",
    ],
    "javascript": [
        "[{f}?.(a=1)]", "[obj.{f}(a=1)]", "[{f}(1, x, true, false, b=2)]", "[{f}(a=1, a=2)]", "[new {f}(a=1)]",
        "[{f}`x`]", "[{c};]", "[{f}(a=b=1)]", "[{f}(a+=1)]", "[{c}; {c}]", "[({c})]", "[{f}(a=1)\n]",
        "[{f}(a=\"x\", b='y')]", "[{f}(a=1) // done]", "[await {c}]", "[{c}, 1]",
    ],
}
