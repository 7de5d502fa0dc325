// Generated from specs/pagonxt.yaml by `npm run types` (openapi-typescript). Do not edit.
export interface paths {
    "/customers/{customer_id}/accounts/{account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get account
         * @description Get account by id.
         */
        get: operations["getAccount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request an access token (client credentials, private-key JWT)
         * @description OAuth 2 client credentials grant with client authentication by a private-key JWT
         *     (RFC 7523): `client_assertion` is a JWT you sign with your private key, with `iss` and `sub`
         *     your client id. The sandbox does not know your public key, so it accepts any well-formed
         *     signed JWT (three base64url parts, a JSON header and payload, an `alg` other than `none`)
         *     whose `exp`, if present, has not passed; when both are given, `client_id` must equal the
         *     assertion's `sub`. The token carries the requested space-separated `scope` (by default
         *     `accounts.read`), so you can request one without `accounts.read` to see a 403.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * Format: uuid
         * @example 2507b89c-b680-46df-9505-e0b6f78cf295
         */
        Uuid: string;
        /** @example GB73PNXT09991100000010 */
        Iban: string;
        /** @example PNXT09991100000010 */
        Bban: string;
        /** @description Account identifier. Type depends on accountIdType. */
        AccountId: components["schemas"]["Uuid"] | components["schemas"]["Iban"] | components["schemas"]["Bban"];
        /**
         * @description Format used for the account number in the accountId property: `iban` (IBAN code), `bban`
         *     (Basic Bank Account Number, country-specific, at most 31 characters or 35 bytes) or `uuid`
         *     (unique account identifier; internal accounts have a uuid but no IBAN/BBAN).
         * @example iban
         * @enum {string}
         */
        AccountIdType: "iban" | "bban" | "uuid";
        /**
         * @description Country code. The value is based on the ISO 3166-1 alpha-2 (https://www.iso.org/obp/ui/#search/code/).
         * @example GB
         */
        Country: string;
        /**
         * @description Currency code. The value is the alpha-3 format defined in ISO 4217 (https://www.iso.org/iso-4217-currency-codes.html).
         * @example EUR
         */
        Currency: string;
        /**
         * @description Customer unique id.
         * @example pagonxt_esESB76134758
         */
        CustomerId: string;
        /**
         * Format: date-time
         * @example 2024-10-04T10:02:03.482Z
         */
        Timestamp: string;
        Text: string;
        AccountIdentifier: {
            accountId: components["schemas"]["AccountId"];
            accountIdType: components["schemas"]["AccountIdType"];
            country: components["schemas"]["Country"];
        };
        RealAccountIdentifier: {
            realAccountId: components["schemas"]["AccountId"];
            realAccountIdType: components["schemas"]["AccountIdType"];
            country: components["schemas"]["Country"];
        };
        /** @description List of account identifiers (the sandbox gives every account its uuid). */
        AccountIdentifiers: components["schemas"]["AccountIdentifier"][];
        /** @description List of real account identifiers (of the real account behind a virtual account). */
        RealAccountIdentifiers: components["schemas"]["RealAccountIdentifier"][];
        /**
         * @description Account reconciliation model. Determines how an account's collections will be reconciled.
         *     Only present in real acount. Options are: `PS-VA` (payment subject virtual account), `PS-REF`
         *     (payment subject reference), `COL-VA` (collection virtual account), `COL-REF` (collection
         *     reference).
         * @example PS-VA
         * @enum {string}
         */
        ReconciliationModel: "PS-VA" | "PS-REF" | "COL-VA" | "COL-REF";
        /**
         * @description Account reference for referenced virtual accounts. Unique by customer and real account.
         * @example PN2345ABCD
         */
        SupplementaryId: string;
        /** @description Legal Entity details object. */
        LegalEntity: {
            /**
             * @description Bic of the legal entity associated with the account.
             * @example PNXTGB2LXXX
             */
            bic: components["schemas"]["Text"];
            /**
             * @description Unique identifier of the legal entity associated with the account.
             * @example pagonxt_uk
             */
            legalEntityId: components["schemas"]["Text"];
            /**
             * @description Legal Name of the legal entity associated with the account.
             * @example PagoNxt OneTrade UK Ltd
             */
            legalEntityName: components["schemas"]["Text"];
        };
        /** @description Account balances object. */
        Balances: {
            /** @description Available balance object. */
            available: {
                /**
                 * @description The value uses the data format defined in ISO 20022 and has a maximum of 18 digits,
                 *     of which 5 can be decimals, separated by a point.
                 */
                amount: {
                    /**
                     * Format: double
                     * @description Data in ISO 20022 format containing up to 18 digits from which 5 may be decimals.
                     *     Separation is a point.
                     * @example 99.99
                     */
                    amount: number;
                    currency: components["schemas"]["Currency"];
                };
                /**
                 * Format: date-time
                 * @description Last update date time. The date format is 'yyyy-MM-ddThh:mm:ss.fff±timezone', where
                 *     fff are milliseconds and timezone can be 'Z' or 'hh:mm'.
                 * @example 2017-07-21T17:32:28Z
                 */
                lastChangeDateTime: string;
            };
        };
        /** @description Single links object. */
        Links: {
            /** @description Self links object. */
            self: {
                /**
                 * @description Self link.
                 * @example https://host/?_offset=0&_limit=10
                 */
                href: string;
            };
        };
        /** @description An account, as Get account returns it. */
        Account: {
            /** @description Date and time when the entry was created. */
            createdAt: components["schemas"]["Timestamp"];
            /** @description Date and time when the entry was updated. */
            updatedAt: components["schemas"]["Timestamp"];
            customerId: components["schemas"]["CustomerId"];
            baseCurrency: components["schemas"]["Currency"];
            /**
             * @description Unique identifier for an account's virtual account structure. Present for all virtual
             *     accounts and real accounts with related virtual accounts.
             */
            virtualAccountStructureId?: components["schemas"]["Uuid"];
            reconciliationModel?: components["schemas"]["ReconciliationModel"];
            accountIdentifiers: components["schemas"]["AccountIdentifiers"];
            /**
             * @description NickName account Name (alias) that the customer has assigned to the account for easy identification.
             * @example My eMoney Account
             */
            nickName?: components["schemas"]["Text"];
            /**
             * @description Name of the product associated with the account
             * @example eMoney Account
             */
            productName?: components["schemas"]["Text"];
            supplementaryId?: components["schemas"]["SupplementaryId"];
            legalEntity: components["schemas"]["LegalEntity"];
            realAccountIdentifiers?: components["schemas"]["RealAccountIdentifiers"];
            balances: components["schemas"]["Balances"];
            _links: components["schemas"]["Links"];
        };
        /**
         * @description Sandbox only: an account as the sandbox stores it (keyed by its uuid): the Account without
         *     `_links`, which is made per request from the sandbox's own URL.
         */
        AccountRecord: {
            createdAt: components["schemas"]["Timestamp"];
            updatedAt: components["schemas"]["Timestamp"];
            customerId: components["schemas"]["CustomerId"];
            baseCurrency: components["schemas"]["Currency"];
            virtualAccountStructureId?: components["schemas"]["Uuid"];
            reconciliationModel?: components["schemas"]["ReconciliationModel"];
            accountIdentifiers: components["schemas"]["AccountIdentifiers"];
            nickName?: components["schemas"]["Text"];
            productName?: components["schemas"]["Text"];
            supplementaryId?: components["schemas"]["SupplementaryId"];
            legalEntity: components["schemas"]["LegalEntity"];
            realAccountIdentifiers?: components["schemas"]["RealAccountIdentifiers"];
            balances: components["schemas"]["Balances"];
        };
        /** @description Data structure containing the error details */
        Error: {
            /**
             * @description Unique alphanumeric human readable error code
             * @example XXX
             */
            code: string;
            /**
             * @description Brief summary of the reported issue
             * @example Message
             */
            message: string;
            /**
             * @description Level of the reported issue.
             * @example ERROR
             * @enum {string}
             */
            level: "ERROR" | "FATAL" | "INFO" | "WARNING";
            /**
             * @description Detailed description of the reported issue
             * @example Description
             */
            description: string;
        };
        /** @description Data structure containing the details for errors */
        Errors: {
            /** @description Array of errors */
            errors: components["schemas"]["Error"][];
        };
        /** @description Other parameters are ignored, as RFC 6749 asks of a token endpoint. */
        TokenRequest: {
            /** @enum {string} */
            grant_type: "client_credentials";
            /** @enum {string} */
            client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
            /** @description A JWT signed with your private key (three base64url parts; the signature may not be empty). */
            client_assertion: string;
            /** @description Optional; when given, it must equal the assertion's `sub`. */
            client_id?: string;
            /** @description Space-separated scopes (default `accounts.read`). */
            scope?: string;
        };
        TokenResponse: {
            access_token: string;
            /** @enum {string} */
            token_type: "Bearer";
            /** @description Seconds until the token expires. */
            expires_in: number;
            /** @description The granted scopes, space-separated. */
            scope: string;
        };
    };
    responses: {
        /** @description Bad Request */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Unauthorized */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Forbidden */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Not Found */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /**
         * @description Not Acceptable The Accept header does not specifically contain one of the allowable types.
         *     Missing Accept header, usually 'application/json'
         */
        NotAcceptable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /**
         * @description Request Entity Too Large Most web servers have a limit of 8192 bytes (8 KB). The server will
         *     close the connection to prevent the client from continuing the request. The sandbox refuses
         *     request bodies over 8,192 bytes.
         */
        EntityTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description URI Too Long. The sandbox refuses request URIs over 2,048 characters. */
        UriTooLong: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Unprocessable Entity */
        UnprocessableEntity: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Too Many Requests */
        TooManyRequests: {
            headers: {
                /** @description Seconds to wait before retrying. */
                "retry-after"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Internal server error */
        InternalServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Service unavailable; in the sandbox also when the change could not be stored, or the server already holds its maximum of sandboxes (`--max-sandboxes`; with `Retry-After`, inferred). */
        ServiceUnavailable: {
            headers: {
                /** @description Seconds to wait before retrying, when the sandbox limit was reached. */
                "retry-after"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Gateway timeout */
        GatewayTimeout: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
        /** @description Default error (the sandbox uses it for statuses the reference does not list, such as 405) */
        Default: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Errors"];
            };
        };
    };
    parameters: {
        /**
         * @description Client ID header. Missing or malformed → 400 `BAD_REQUEST`.
         * @example 5f2b1c9e-8a4d-4e3b-9c7a-1d2e3f4a5b6c
         */
        ClientId: components["schemas"]["Uuid"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getAccount: {
        parameters: {
            query?: {
                /**
                 * @description Format used for the account number in the accountId property.
                 *
                 *     The possible values are:
                 *     - IBAN = IBAN code
                 *     - BBAN = Basic Bank Account Number (BBAN) that represents a country-specific bank account
                 *       number. Each country has its own standards for the format and length of the BBAN. The
                 *       value is at most 31 char or 35 bytes long.
                 *     - UUID = Unique account identifier. It is an internal code to uniquely identify the account.
                 *       Some accounts are internal so they have UUID but no IBAN/BBAN.
                 *
                 *     For example:
                 *     - In UK, the BBAN format is: Bank(4) + Sort code(6) + Account(8)
                 *     - In Spain, it is: Banco(4) + Sucursal(4) + CD(2) + CTA(10)
                 */
                account_id_type?: components["schemas"]["AccountIdType"];
                /**
                 * @description Country code. The value is based on the ISO 3166-1 alpha-2
                 *     (https://www.iso.org/obp/ui/#search/code/). Required with account_id_type BBAN (400
                 *     `BAD_REQUEST` without it). With any `account_id_type`, only identifiers of this country match.
                 * @example GB
                 */
                country?: components["schemas"]["Country"];
            };
            header: {
                /**
                 * @description Client ID header. Missing or malformed → 400 `BAD_REQUEST`.
                 * @example 5f2b1c9e-8a4d-4e3b-9c7a-1d2e3f4a5b6c
                 */
                "x-client-id": components["parameters"]["ClientId"];
            };
            path: {
                /**
                 * @description Customer unique id.
                 * @example pagonxt_esESB76134758
                 */
                customer_id: components["schemas"]["CustomerId"];
                /**
                 * @description Account unique identifier generated by PagoNxt, or (with `account_id_type`) the account's
                 *     IBAN or BBAN. The reference documents a uuid only (length 36, the first format below); the
                 *     sandbox also accepts the IBAN and BBAN formats of `accountIdentifiers[].accountId`, since
                 *     `account_id_type` says the path may hold one.
                 */
                account_id: components["schemas"]["AccountId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Account response. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accountIdentifiers": [
                     *         {
                     *           "accountIdType": "uuid",
                     *           "accountId": "0589bd6c-cca4-4b46-9c8a-b786171e66e1",
                     *           "country": "GB"
                     *         },
                     *         {
                     *           "accountIdType": "iban",
                     *           "accountId": "GB73PNXT09991100000010",
                     *           "country": "GB"
                     *         },
                     *         {
                     *           "accountIdType": "bban",
                     *           "accountId": "PNXT09991100000010",
                     *           "country": "GB"
                     *         }
                     *       ],
                     *       "customerId": "PNXTGB2LXXXUS1234567890",
                     *       "baseCurrency": "EUR",
                     *       "productName": "eMoney Account",
                     *       "nickName": "My E Money Account",
                     *       "reconciliationModel": "PS-REF",
                     *       "supplementaryId": "PN2345ABCD",
                     *       "virtualAccountStructureId": "42dbdc87-a491-4566-bb97-eb2d9aea4707",
                     *       "legalEntity": {
                     *         "bic": "PNXTGB2LXXX",
                     *         "legalEntityId": "pagonxt_uk",
                     *         "legalEntityName": "PagoNxt OneTrade UK Ltd"
                     *       },
                     *       "balances": {
                     *         "available": {
                     *           "amount": {
                     *             "amount": 99.99,
                     *             "currency": "GBP"
                     *           },
                     *           "lastChangeDateTime": "2024-11-08T16:08:36.068Z"
                     *         }
                     *       },
                     *       "createdAt": "2024-11-06T16:08:36.068Z",
                     *       "updatedAt": "2024-11-08T16:08:36.068Z",
                     *       "_links": {
                     *         "self": {
                     *           "href": "http://localhost:4010/pagonxt/customers/PNXTGB2LXXXUS1234567890/accounts/0589bd6c-cca4-4b46-9c8a-b786171e66e1"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Account"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            406: components["responses"]["NotAcceptable"];
            413: components["responses"]["EntityTooLarge"];
            414: components["responses"]["UriTooLong"];
            422: components["responses"]["UnprocessableEntity"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
            default: components["responses"]["Default"];
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "grant_type": "client_credentials",
                 *       "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                 *       "client_assertion": "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InNhbmRib3gtZXhhbXBsZSJ9.eyJpc3MiOiI1ZjJiMWM5ZS04YTRkLTRlM2ItOWM3YS0xZDJlM2Y0YTViNmMiLCJzdWIiOiI1ZjJiMWM5ZS04YTRkLTRlM2ItOWM3YS0xZDJlM2Y0YTViNmMiLCJhdWQiOiIvcGFnb254dC9vYXV0aC90b2tlbiIsImp0aSI6ImI4ZTZhM2YwLTJjMWQtNGU1Zi04YTliLTBjMWQyZTNmNGE1YiIsImV4cCI6NDEwMjQ0NDgwMH0.QFSVFxga-CeB0ihpvFWfQVTsx6XjO1IoMe_s5cP39KzI0MuVNqgDP8OHb5Fuk8-bpCqfgat9L29bleFZbyLtEg",
                 *       "scope": "accounts.read"
                 *     }
                 */
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description Token issued. */
            200: {
                headers: {
                    /** @description Tokens are not to be cached (RFC 6749). */
                    "cache-control": "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            406: components["responses"]["NotAcceptable"];
            413: components["responses"]["EntityTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
            default: components["responses"]["Default"];
        };
    };
}
