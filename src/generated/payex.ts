// Generated from specs/payex.yaml by `npm run types` (openapi-typescript). Do not edit.
export interface paths {
    "/ledger/account/v1/{ledgerNo}/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a list of accounts
         * @description The accounts of the ledger, 10 a page, ordered by `accountNo`. `accountNo` and `customerNo`
         *     are optional filters; with `customerNo`, a customer without accounts on the ledger is a 404
         *     `customer-not-found`, and with both, the account must belong to the customer (else
         *     `customer-not-found`).
         */
        get: operations["listAccounts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a specific account */
        get: operations["getAccount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change charitydonation / lower the creditlimit
         * @description Only `charityDonation` and `creditLimit` may be changed. The credit limit can only be
         *     lowered, never below 0 (raising it requires signing and is not possible here); raising it, or
         *     any other property, is a `validation` problem naming the property. A `Closed` account is
         *     `forbidden`.
         */
        patch: operations["updateAccount"];
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/request-close-account": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request cancellation of the account (inferred)
         * @description Inferred from the `request-close-account` link: an `Open` account becomes `PendingClose`
         *     (it will be closed when possible). Asking again while `PendingClose` changes nothing (204);
         *     a `Closed` account is `forbidden`. No request body.
         */
        post: operations["requestCloseAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/register-psp-payment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register-psp-payment
         * @description Deposits `Amount` on the account: adds a `payment` transaction of `-Amount` dated
         *     `PaymentDate`, which lowers `totalBalance` and raises `availableAmount` (and lowers
         *     `maxPaymentAmount`) by the same amount, and pays open bills oldest first. `Amount` must be above
         *     0, have at most 2 decimals and be at most the account's `maxPaymentAmount`; `PaymentDate` may
         *     not be in the future. A `PendingClose` or `Closed` account is `forbidden`. The same
         *     `sourcePspPaymentTransactionId` on the ledger is registered once: repeating the same payment
         *     answers 204 and pays nothing; another payment with that id is a 409 `duplicate-psp-payment`.
         *     (Access to this operation is not normally granted by the provider, unless agreed.)
         */
        post: operations["registerPspPayment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/bills": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List all bills of an account
         * @description Every document of the account's billing cycle, newest first.
         */
        get: operations["listBills"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/bills/{billId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get specific bill
         * @description `billId` is the bill's id (`bill-456`, `reminder-123`, `collection-789`); the provider's
         *     example also shows the bare bill number (`456`), which the sandbox accepts too.
         *     `activePaymentDetails` is set only while the bill is `open`.
         */
        get: operations["getBill"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/bills/{billId}/document": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download the bill's PDF document
         * @description The `document` link of a bill. A PDF showing the bill's number, dates, amounts and payment details.
         */
        get: operations["getBillDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/cards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List cards on an account
         * @description Every card of the account, deleted ones included, in the order they were added; `view.next` while more follow.
         */
        get: operations["listCards"];
        put?: never;
        /**
         * Add card to account
         * @description Adds a card. Its `token` must be new on the ledger (409 `duplicate-card-token`); a new card
         *     cannot be `deleted`. Any number of main cards, held by anyone (no rule of the page refuses
         *     one). A `PendingClose` or `Closed` account is `forbidden`. Answers 201 with the card (inferred).
         */
        post: operations["addCard"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/cards/{cardToken}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a specific card */
        get: operations["getCard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Partial update of a card (inferred)
         * @description Inferred from the card's `partial-update` link and the table (only `deleted` is modifiable):
         *     `{"deleted": true}` deletes the card (again: no change). A deleted card cannot be undeleted
         *     (422 `card-update-failed`); any other property is a `validation` problem.
         */
        patch: operations["updateCard"];
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/cards/{cardToken}/add-replacement-card": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add replacement card
         * @description Replaces the card in the path: it is marked deleted and the card in the body is added. The
         *     body is the same as when adding a card; its token must be new on the ledger, or the replaced
         *     card's own (as in the provider's example), which re-issues the card under that token. A
         *     deleted card cannot be replaced (422 `card-update-failed`);
         *     a `PendingClose` or `Closed` account is `forbidden`. Answers 201 with the new card (inferred).
         */
        post: operations["addReplacementCard"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/transactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List transactions on an account
         * @description Newest first. Filter by date range (`fromDate` and `todate`, both inclusive; the
         *     provider documents `todate` in lower case, and names match case-insensitively) or by `month`; without either, the last
         *     30 days (today and the 30 days before it, UTC). Leniently, `fromDate` alone runs to today,
         *     `todate` alone from the first transaction, and `month` with a range keeps the days in both.
         *     An invalid date, or `fromDate` after `todate`, is a `validation` problem.
         */
        get: operations["listTransactions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/reservations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List reservations in an account
         * @description The outstanding reservations (valid and not captured), newest first. Answers 200 (the provider's page shows "201 Created", a documentation slip).
         */
        get: operations["listReservations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/recurring-payment-configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get recurring payment settings on an account
         * @description 404 `recurring-payment-configuration-not-found` when the account has none.
         */
        get: operations["getRecurringPaymentConfiguration"];
        put?: never;
        /**
         * Create recurring payment settings on an account
         * @description An account that has a configuration already gets it replaced (the page states no conflict);
         *     a `Closed` account is `forbidden`. `fixedAmount` is required (above 0) with
         *     `paymentScope` `fixedRecurring` and only allowed (as `0.00` or `null`) with the other scopes.
         *     Answers 201 with the configuration (inferred).
         */
        post: operations["createRecurringPaymentConfiguration"];
        /**
         * Delete recurring payment settings on an account
         * @description Without settings the account no longer uses the consent registered on the customer for
         *     recurring payments, so it has no active payment orders. A body (the provider's example sends
         *     `{}`) is ignored. 404 when the account has no configuration.
         */
        delete: operations["deleteRecurringPaymentConfiguration"];
        options?: never;
        head?: never;
        /**
         * Update recurring payment settings on an account
         * @description Changes the given properties; the result follows the same `fixedAmount` rule as creating one
         *     (leaving `fixedRecurring` drops the fixed amount). 404 when the account has no configuration.
         */
        patch: operations["updateRecurringPaymentConfiguration"];
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/recurring-payment-consent": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the recurring payment consent (inferred)
         * @description Inferred from the account's `recurringPaymentConsent` link: the autogiro consent registered
         *     for the account's recurring payments (who signs it and how is not part of this API).
         *     404 `recurring-payment-consent-not-found` when there is none.
         */
        get: operations["getRecurringPaymentConsent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Partially update the recurring payment consent (inferred)
         * @description Inferred from the `partially-update-recurring-payment-consent` link: revoke (`status:
         *     revoked`) or reactivate the consent, or change the bank account it debits. Without an
         *     `active` consent the account has no active payment orders. 404 when there is no consent;
         *     a `Closed` account is `forbidden`.
         */
        patch: operations["updateRecurringPaymentConsent"];
        trace?: never;
    };
    "/ledger/account/v1/{ledgerNo}/accounts/{accountNo}/active-payment-orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get active payment orders for an account
         * @description The scheduled autogiro debits. There are none without a recurring payment configuration, without an
         *     `active` consent, or on a `Closed` account. Otherwise they follow the open bills that are not
         *     yet due (`executeDate` = the bill's `dueDate`): with `billedAmount`, one per such bill for its
         *     remaining minimum amount; with `fixedRecurring`, one for `fixedAmount` on the first such bill;
         *     with `totalDebt`, one for the `totalBalance` (when positive) on the first such bill. A bill
         *     with an order shows `activePaymentDetails.paymentOrdersExists: true`.
         */
        get: operations["listActivePaymentOrders"];
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
         * Issue a sandbox token for a ledger (inferred)
         * @description Not part of the provider's page, which only says a bearer token is required. Issues a token
         *     bound to `ledgerNo`: used on another ledger number it gets 401. Any client id and secret are
         *     accepted. Tokens the sandbox did not issue are accepted on every ledger.
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
        /** @description The identifier of the account. */
        AccountNo: string;
        /** @description Token identifier of the card (the provider's own examples are not always uuids). */
        CardToken: string;
        /**
         * Format: date
         * @description ISO 8601 date (`YYYY-MM-DD`).
         */
        Date: string;
        /** @description A decimal amount with at most 2 decimals. */
        Amount: number;
        /** @description A path below the API's base URL. */
        Link: string;
        Operation: {
            rel: string;
            /** @enum {string} */
            method: "get" | "post" | "patch" | "delete";
            href: components["schemas"]["Link"];
        };
        InterestRate: {
            /** @description Yearly debt interest rate (percentage). */
            debtInterest: number;
            /** @description Yearly penalty interest rate (percentage). */
            penaltyInterest: number;
        };
        /** @description Details on how to make a bank payment to the account. */
        BankPayment: {
            /** @description Bank account number for payments against the current account. */
            bankAccountNo: string;
            /**
             * @description Type of bank account.
             * @enum {string}
             */
            bankAccountType: "BGSE" | "PGSE" | "BKNO";
            /** @description BIC/SWIFT (Business Identifier Code). */
            bic: string;
            /** @description IBAN (International Bank Account Number). */
            iban: string;
            /** @description Payment reference of the current account. */
            paymentReference: string;
        };
        /**
         * @description `Open`: the account is open and active. `PendingClose`: the customer has requested the
         *     account to be closed; it will be closed when possible. `Closed`: the account has been closed.
         * @enum {string}
         */
        AccountStatus: "Open" | "PendingClose" | "Closed";
        Account: {
            "@id": components["schemas"]["Link"];
            accountNo: components["schemas"]["AccountNo"];
            startDate: components["schemas"]["Date"];
            /** @description A description of the type of account. */
            description: string | null;
            /** @description The defined code of the account type, e.g. kontodebet, kontokredit, kontofaktura. */
            accountProfileType: string;
            /** @description A descriptive name for the account type, e.g. kontokredit1, matkonto1. */
            accountAlias: string;
            /** @description Identifier of the customer (account owner). */
            customerNo: string;
            status: components["schemas"]["AccountStatus"];
            /** @description The credit limit; `PATCH` may only lower it. 0 or positive. */
            creditLimit: number;
            /** @description Sum of the account's transactions (capital, interest, fees…). Positive is debt, negative surplus. */
            totalBalance: number;
            /** @description Sum of all outstanding reservations (valid and not captured). */
            reservedAmount: number;
            /** @description Available credit = creditLimit − totalBalance − reservedAmount, never below 0. */
            availableAmount: number;
            /** @description The largest amount that can be deposited now = totalBalance + 50000.00 (at least 0; 0 unless `Open`). */
            maxPaymentAmount: number;
            /** @description URI of the newest open bill, or null. */
            openBill: components["schemas"]["Link"] | null;
            /** @description If donations should be made from the account. */
            charityDonation: boolean;
            interestRate: components["schemas"]["InterestRate"];
            bankPayment: components["schemas"]["BankPayment"];
            activePaymentOrders: components["schemas"]["Link"];
            recurringPaymentConfiguration: components["schemas"]["Link"];
            recurringPaymentConsent: components["schemas"]["Link"];
            cards: components["schemas"]["Link"];
            transactions: components["schemas"]["Link"];
            /** @description ISO 4217 currency code, written in lower case as the provider's example does (`sek`). */
            currency: string;
            bills: components["schemas"]["Link"];
            /** @description The customer in the ledger's customers API (not served by this sandbox). */
            customer: components["schemas"]["Link"];
            /** @description What can be done with the account in its current status. */
            operation: components["schemas"]["Operation"][];
        };
        AccountList: {
            items: components["schemas"]["Account"][];
            navigation: {
                "@id": components["schemas"]["Link"];
                first: components["schemas"]["Link"];
                previous: components["schemas"]["Link"];
                /** @description Present while more accounts follow. */
                next?: components["schemas"]["Link"];
            };
        };
        AccountPatch: {
            charityDonation?: boolean;
            /** @description The new credit limit; at most the current one, at most 2 decimals. */
            creditLimit?: number;
        };
        PspPayment: {
            /** @description Amount to deposit on the account; at most the account's `maxPaymentAmount`, at most 2 decimals. */
            Amount: number;
            /** @description Date of the actual payment (not in the future). */
            PaymentDate: components["schemas"]["Date"];
            /** @description Unique identifier for the payment. */
            sourcePspPaymentTransactionId: string;
        };
        /** @enum {string} */
        BillType: "bill" | "reminder1" | "reminder2" | "collection";
        /** @enum {string} */
        BillStatus: "open" | "closed";
        BillPaymentDetails: {
            /** @description Bank account for payment. */
            bankAccountNo: string;
            /**
             * @description BKSE (Swedish bank account), PKSE (Swedish plusgiro), BGSE (Swedish bankgiro), PGSE (Swedish plusgiro OCR).
             * @enum {string}
             */
            bankAccountType: "BKSE" | "PKSE" | "BGSE" | "PGSE";
            /** @description Bank Identifier Code (BIC). */
            bic: string;
            /** @description International Bank Account Number (IBAN). */
            iban: string;
            /** @description Reference to specify on the payment. */
            paymentReference: string;
        };
        ActivePaymentDetails: {
            /** @description The least amount to pay on the bill (what is left of it). */
            minimumAmountToBePayed: number;
            bankAccountNo: components["schemas"]["BillPaymentDetails"]["bankAccountNo"];
            bankAccountType: components["schemas"]["BillPaymentDetails"]["bankAccountType"];
            bic: components["schemas"]["BillPaymentDetails"]["bic"];
            iban: components["schemas"]["BillPaymentDetails"]["iban"];
            paymentReference: components["schemas"]["BillPaymentDetails"]["paymentReference"];
            /** @description If there is an active payment order to be executed related to this bill for recurring payments. */
            paymentOrdersExists: boolean;
        };
        Bill: {
            "@id": components["schemas"]["Link"];
            dueDate: components["schemas"]["Date"];
            /** @description Date when the bill was created. */
            billDate: components["schemas"]["Date"];
            /** @description The identifier of the bill. */
            billNo: string;
            /** @description The amount that is stated on the actual bill/document. */
            billAmount: number;
            billType: components["schemas"]["BillType"];
            status: components["schemas"]["BillStatus"];
            /** @description Optional external reference. */
            externalBillId: string | null;
            /** @description Only set if the bill is open. */
            activePaymentDetails: components["schemas"]["ActivePaymentDetails"] | null;
            /** @description URL to download the PDF document. */
            document: components["schemas"]["Link"];
        };
        BillList: {
            "@id": components["schemas"]["Link"];
            items: components["schemas"]["Bill"][];
        };
        NationalConsumerIdentifier: {
            /** @description YYYYMMDD-NNNC (for `SE`, a personal identity number with its check digit). */
            value: string;
            /** @description ISO 3166-1 alpha-2. */
            countryCode: string;
        };
        CardHolder: {
            /** @description Cardholder customer number. */
            number: string;
            /** @description Cardholder full name. */
            name: string;
            nationalConsumerIdentifier: components["schemas"]["NationalConsumerIdentifier"];
        };
        /** @description Truncated PAN (`PanTrunc` as the provider's JSON spells it; the table says panTrunc). */
        PanTrunc: string;
        CardInput: {
            token: components["schemas"]["CardToken"];
            PanTrunc: components["schemas"]["PanTrunc"];
            /** @description Must be false (or left out) for a new card. */
            deleted?: boolean;
            /** @description Whether this is the main card of the account (its holder is the account owner). */
            mainCard: boolean;
            cardHolder: components["schemas"]["CardHolder"];
        };
        CardPatch: {
            /** @description `true` deletes the card; a deleted card cannot be undeleted. */
            deleted: boolean;
        };
        CardListItem: {
            token: components["schemas"]["CardToken"];
            PanTrunc: components["schemas"]["PanTrunc"];
            /** @description Indicates whether the card has been deleted. */
            deleted: boolean;
            /** @description Whether this card is the main card of the account (cardholder is always owner of account). */
            mainCard: boolean;
            cardHolder: components["schemas"]["CardHolder"];
            "@id": components["schemas"]["Link"];
        };
        Card: {
            token: components["schemas"]["CardToken"];
            PanTrunc: components["schemas"]["PanTrunc"];
            deleted: components["schemas"]["CardListItem"]["deleted"];
            mainCard: components["schemas"]["CardListItem"]["mainCard"];
            cardHolder: components["schemas"]["CardHolder"];
            "@id": components["schemas"]["Link"];
            parentHREF: components["schemas"]["Link"];
            /** @description `partial-update` and `add-replacement-card`, while the card is not deleted. */
            operation: components["schemas"]["Operation"][];
        };
        View: {
            "@id": components["schemas"]["Link"];
            /** @description Present while more items follow. */
            next?: components["schemas"]["Link"];
        };
        CardList: {
            operations: null;
            items: components["schemas"]["CardListItem"][];
            "@id": components["schemas"]["Link"];
            view: components["schemas"]["View"];
        };
        /**
         * @description Type of transaction. Amounts of `payment`, `credit`, `deduction` and `disbursementReturned`
         *     lower the debt (negative); `migratedBalance` (the balance migrated to the account initially)
         *     may be either; all others raise it (positive).
         * @enum {string}
         */
        TransactionType: "payment" | "purchase" | "credit" | "administrationFee" | "billingFee" | "collectionFee" | "deduction" | "disbursement" | "disbursementReturned" | "interest" | "lateFee" | "reminderFee" | "migratedBalance";
        Transaction: {
            type: components["schemas"]["TransactionType"];
            /** @description Description of the transaction; for purchases it usually includes point of sale and receipt reference. */
            description: string;
            /** @description Negative decreases debt or increases surplus; positive increases debt or decreases surplus. */
            amount: number;
            /** @description Whether the transaction was initiated from a point of sale, or else internally in the ledger. */
            initiatedFromPointOfSale: boolean;
            /** @description Date when the transaction was initiated (authorization date). */
            date: components["schemas"]["Date"];
        };
        TransactionList: {
            operations: null;
            items: components["schemas"]["Transaction"][];
            "@id": components["schemas"]["Link"];
        };
        Reservation: {
            amount: number;
            /** @description Description of the reservation, normally the point of sale. */
            description: string;
            /** @description Date when the reservation occurred. */
            date: components["schemas"]["Date"];
        };
        ReservationList: {
            operations: null;
            items: components["schemas"]["Reservation"][];
            "@id": components["schemas"]["Link"];
        };
        /** @enum {string} */
        PaymentMethod: "autogiro";
        /**
         * @description `fixedRecurring`: a fixed amount debited monthly. `totalDebt`: the total account debt (used
         *     credit) is debited each month. `billedAmount`: only the minimum amount to pay is debited each month.
         * @enum {string}
         */
        PaymentScope: "fixedRecurring" | "totalDebt" | "billedAmount";
        RecurringPaymentConfiguration: {
            /** @description The configuration's URI (the provider's example writes it in the plural, a slip). */
            "@id": components["schemas"]["Link"];
            paymentMethod: components["schemas"]["PaymentMethod"];
            paymentScope: components["schemas"]["PaymentScope"];
            /** @description Amount to debit monthly; only with `paymentScope` `fixedRecurring`, else null. */
            fixedAmount: number | null;
            parentHREF: components["schemas"]["Link"];
            operation: components["schemas"]["Operation"][];
        };
        RecurringPaymentConfigurationInput: {
            paymentMethod: components["schemas"]["PaymentMethod"];
            paymentScope: components["schemas"]["PaymentScope"];
            /** @description Required (above 0) with `fixedRecurring`; with other scopes only 0 or null. */
            fixedAmount?: number | null;
        };
        RecurringPaymentConfigurationPatch: {
            paymentMethod?: components["schemas"]["PaymentMethod"];
            paymentScope?: components["schemas"]["PaymentScope"];
            fixedAmount?: number | null;
        };
        /** @enum {string} */
        ConsentStatus: "active" | "revoked";
        /**
         * @description The payer's account debited by autogiro — BKSE (Swedish bank account) or PKSE (Swedish plusgiro).
         * @enum {string}
         */
        ConsentBankAccountType: "BKSE" | "PKSE";
        RecurringPaymentConsent: {
            "@id": components["schemas"]["Link"];
            paymentMethod: components["schemas"]["PaymentMethod"];
            status: components["schemas"]["ConsentStatus"];
            /** @description The payer's bank account debited (clearing number and account number). */
            bankAccountNo: string;
            bankAccountType: components["schemas"]["ConsentBankAccountType"];
            parentHREF: components["schemas"]["Link"];
        };
        RecurringPaymentConsentPatch: {
            status?: components["schemas"]["ConsentStatus"];
            bankAccountNo?: string;
            bankAccountType?: components["schemas"]["ConsentBankAccountType"];
        };
        ActivePaymentOrder: {
            paymentMethod: components["schemas"]["PaymentMethod"];
            /** @description The date when the payment order will be executed (the account table calls it executionDate). */
            executeDate: components["schemas"]["Date"];
            /** @description The amount to debit the owner of the consent; it may be adjusted at execution if the amount to pay has decreased. */
            amount: number;
        };
        ActivePaymentOrderList: {
            operations: null;
            items: components["schemas"]["ActivePaymentOrder"][];
            view: components["schemas"]["View"];
        };
        TokenRequest: {
            /** @enum {string} */
            grant_type: "client_credentials";
            client_id: string;
            client_secret: string;
            /** @description The ledger the token is for. */
            ledgerNo: string;
        };
        TokenResponse: {
            access_token: string;
            /** @enum {string} */
            token_type: "Bearer";
            /** @description Seconds until the token expires. */
            expires_in: number;
            ledgerNo: string;
        };
        /** @description The ledger APIs' problem format (`application/problem+json`, PascalCase members). */
        Problem: {
            /** @example ledger/account/v1/problems/validation */
            Type: string;
            Title: string;
            Status: number;
            /**
             * Format: uuid
             * @description A fresh id of this occurrence of the problem.
             */
            Instance: string;
            Detail: string;
            /** @description For `validation` (and `invalid-reg-no`): one `{"<field>": "<what is wrong>"}` per failed check. */
            Problems: {
                [key: string]: string;
            }[];
        };
        /** @description Sandbox only: an account as stored; its figures are derived from transactions and reservations. */
        AccountRecord: {
            ledgerNo: string;
            accountNo: components["schemas"]["AccountNo"];
            startDate: components["schemas"]["Date"];
            description: string | null;
            accountProfileType: string;
            accountAlias: string;
            customerNo: string;
            status: components["schemas"]["AccountStatus"];
            creditLimit: number;
            charityDonation: boolean;
            interestRate: components["schemas"]["InterestRate"];
            bankPayment: components["schemas"]["BankPayment"];
            currency: string;
        };
        /** @description Sandbox only: a bill as stored; `amountPaid` of `minimumAmountToBePayed` is paid. */
        BillRecord: {
            ledgerNo: string;
            accountNo: components["schemas"]["AccountNo"];
            billId: string;
            billNo: string;
            billType: components["schemas"]["BillType"];
            billDate: components["schemas"]["Date"];
            dueDate: components["schemas"]["Date"];
            billAmount: number;
            status: components["schemas"]["BillStatus"];
            externalBillId: string | null;
            minimumAmountToBePayed: number;
            amountPaid: number;
            paymentDetails: components["schemas"]["BillPaymentDetails"];
        };
        /** @description Sandbox only: a card as stored, under `<ledgerNo>/<token>`. */
        CardRecord: {
            ledgerNo: string;
            accountNo: components["schemas"]["AccountNo"];
            token: components["schemas"]["CardToken"];
            PanTrunc: components["schemas"]["PanTrunc"];
            deleted: boolean;
            mainCard: boolean;
            cardHolder: components["schemas"]["CardHolder"];
        };
        /** @description Sandbox only: a transaction as stored; a registered PSP payment keeps its `sourcePspPaymentTransactionId`. */
        TransactionRecord: {
            id: string;
            ledgerNo: string;
            accountNo: components["schemas"]["AccountNo"];
            type: components["schemas"]["TransactionType"];
            description: string;
            amount: number;
            initiatedFromPointOfSale: boolean;
            date: components["schemas"]["Date"];
            sourcePspPaymentTransactionId?: string;
        };
        /** @description Sandbox only: an outstanding reservation as stored. */
        ReservationRecord: {
            id: string;
            ledgerNo: string;
            accountNo: components["schemas"]["AccountNo"];
            amount: number;
            description: string;
            date: components["schemas"]["Date"];
        };
        /** @description Sandbox only: an account's recurring payment configuration, under `<ledgerNo>/<accountNo>`. */
        RecurringPaymentConfigurationRecord: {
            ledgerNo: string;
            accountNo: components["schemas"]["AccountNo"];
            paymentMethod: components["schemas"]["PaymentMethod"];
            paymentScope: components["schemas"]["PaymentScope"];
            fixedAmount: number | null;
        };
        /** @description Sandbox only: an account's recurring payment consent, under `<ledgerNo>/<accountNo>`. */
        RecurringPaymentConsentRecord: {
            ledgerNo: string;
            accountNo: components["schemas"]["AccountNo"];
            paymentMethod: components["schemas"]["PaymentMethod"];
            status: components["schemas"]["ConsentStatus"];
            bankAccountNo: string;
            bankAccountType: components["schemas"]["ConsentBankAccountType"];
        };
    };
    responses: {
        /**
         * @description `validation` (any input validation failed; `Problems` names each field) or `invalid-reg-no`
         *     (a national consumer identifier that is not a valid Swedish personal identity number).
         */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `unauthorized`: no bearer token, or a sandbox token of another ledger, expired or tampered with (inferred). */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `forbidden`: the operation is not allowed on this account (e.g. a new card on a closing account). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `account-not-found`, `customer-not-found`, `card-not-found`, and (inferred) `bill-not-found`,
         *     `recurring-payment-configuration-not-found`, `recurring-payment-consent-not-found`, `not-found`.
         */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `duplicate-card-token`, and (inferred) `duplicate-psp-payment`. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `card-update-failed`: the card cannot be changed that way (it is deleted). */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `payload-too-large`: the request body is larger than 1 MiB (inferred). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `internal-error` (inferred). */
        Internal: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `service-unavailable`: the sandbox could not store the change, or the server already holds its maximum of sandboxes (`--max-sandboxes`; with `Retry-After`); nothing was changed (inferred). */
        ServiceUnavailable: {
            headers: {
                /** @description Seconds to wait before retrying, when the sandbox limit was reached. */
                "retry-after"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /**
         * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
         * @example 501
         */
        LedgerNo: string;
        /**
         * @description The account number.
         * @example 1234567
         */
        AccountNo: components["schemas"]["AccountNo"];
        /**
         * @description The bill's id (`bill-456`, `reminder-123`), or its bare bill number.
         * @example bill-456
         */
        BillId: string;
        /**
         * @description The card's token.
         * @example 954c8699-b38f-47a2-b568-668b8837dad8
         */
        CardToken: components["schemas"]["CardToken"];
        /** @description Items per page. */
        Top: number;
        /** @description Items to skip. */
        Skip: number;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listAccounts: {
        parameters: {
            query?: {
                /** @description Only the account with this number. */
                accountNo?: string;
                /** @description Only the accounts of this customer (the account owner). */
                customerNo?: string;
                /** @description Accounts to skip (paging; see `navigation`). */
                skip?: number;
            };
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccountPatch"];
            };
        };
        responses: {
            /** @description Changed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    requestCloseAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account is `PendingClose`. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    registerPspPayment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "Amount": 2000,
                 *       "PaymentDate": "2021-01-01",
                 *       "sourcePspPaymentTransactionId": "123456789"
                 *     }
                 */
                "application/json": components["schemas"]["PspPayment"];
            };
        };
        responses: {
            /** @description Registered (or already registered). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listBills: {
        parameters: {
            query?: {
                /** @description Only open or only closed bills (the provider's example `@id` shows `?status=open`). */
                status?: "open" | "closed";
            };
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getBill: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
                /**
                 * @description The bill's id (`bill-456`, `reminder-123`), or its bare bill number.
                 * @example bill-456
                 */
                billId: components["parameters"]["BillId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Bill"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getBillDocument: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
                /**
                 * @description The bill's id (`bill-456`, `reminder-123`), or its bare bill number.
                 * @example bill-456
                 */
                billId: components["parameters"]["BillId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bill as a PDF document. */
            200: {
                headers: {
                    /** @description `inline; filename="<billId>.pdf"` */
                    "content-disposition"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/pdf": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listCards: {
        parameters: {
            query?: {
                /** @description Items per page. */
                $top?: components["parameters"]["Top"];
                /** @description Items to skip. */
                $skip?: components["parameters"]["Skip"];
            };
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CardList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    addCard: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "6f1c2a9e-0b7d-4e55-9a3c-2d8e4f6b1a07",
                 *       "PanTrunc": "45871*********204",
                 *       "deleted": false,
                 *       "mainCard": false,
                 *       "cardHolder": {
                 *         "number": "987654",
                 *         "name": "Tilda Testsson",
                 *         "nationalConsumerIdentifier": {
                 *           "value": "19850312-2387",
                 *           "countryCode": "SE"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["CardInput"];
            };
        };
        responses: {
            /** @description The card was added. */
            201: {
                headers: {
                    /** @description The card's URI. */
                    location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Card"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getCard: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
                /**
                 * @description The card's token.
                 * @example 954c8699-b38f-47a2-b568-668b8837dad8
                 */
                cardToken: components["parameters"]["CardToken"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Card"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateCard: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
                /**
                 * @description The card's token.
                 * @example 274c8699-b38f-47a2-b568-668b8837dat7
                 */
                cardToken: components["schemas"]["CardToken"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "deleted": true
                 *     }
                 */
                "application/json": components["schemas"]["CardPatch"];
            };
        };
        responses: {
            /** @description Changed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["Unprocessable"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    addReplacementCard: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
                /**
                 * @description The card's token.
                 * @example 954c8699-b38f-47a2-b568-668b8837dad8
                 */
                cardToken: components["parameters"]["CardToken"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "5823a2d9-34d2-4bc4-8b6d-1e27f4511363",
                 *       "PanTrunc": "85479*********912",
                 *       "deleted": false,
                 *       "mainCard": true,
                 *       "cardHolder": {
                 *         "number": "123789654",
                 *         "name": "Test Testsson",
                 *         "nationalConsumerIdentifier": {
                 *           "value": "19101010-1010",
                 *           "countryCode": "SE"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["CardInput"];
            };
        };
        responses: {
            /** @description The replacement card was added; the replaced card is deleted. */
            201: {
                headers: {
                    /** @description The new card's URI. */
                    location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Card"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["Unprocessable"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listTransactions: {
        parameters: {
            query?: {
                /** @description First day of the range (with `todate`), e.g. `2020-02-10`. */
                fromDate?: string;
                /** @description Last day of the range (with `fromDate`), e.g. `2020-06-01`. */
                todate?: string;
                /** @description A calendar month, e.g. `2020-04`. */
                month?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransactionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listReservations: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReservationList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getRecurringPaymentConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecurringPaymentConfiguration"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createRecurringPaymentConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number (this example account has no configuration yet).
                 * @example 2345678
                 */
                accountNo: components["schemas"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "paymentMethod": "autogiro",
                 *       "paymentScope": "billedAmount",
                 *       "fixedAmount": 0
                 *     }
                 */
                "application/json": components["schemas"]["RecurringPaymentConfigurationInput"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    /** @description The configuration's URI. */
                    location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecurringPaymentConfiguration"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteRecurringPaymentConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        /** @description Nothing, or `{}` as the provider's example sends. */
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateRecurringPaymentConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "paymentScope": "billedAmount",
                 *       "fixedAmount": 0
                 *     }
                 */
                "application/json": components["schemas"]["RecurringPaymentConfigurationPatch"];
            };
        };
        responses: {
            /** @description Changed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getRecurringPaymentConsent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecurringPaymentConsent"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateRecurringPaymentConsent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "status": "revoked"
                 *     }
                 */
                "application/json": components["schemas"]["RecurringPaymentConsentPatch"];
            };
        };
        responses: {
            /** @description Changed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listActivePaymentOrders: {
        parameters: {
            query?: {
                /** @description Items per page. */
                $top?: components["parameters"]["Top"];
                /** @description Items to skip. */
                $skip?: components["parameters"]["Skip"];
            };
            header?: never;
            path: {
                /**
                 * @description The ledger identifier/number at PayEx. The documentation's own placeholder `XXX` is a fixture ledger, so its examples work as printed.
                 * @example 501
                 */
                ledgerNo: components["parameters"]["LedgerNo"];
                /**
                 * @description The account number.
                 * @example 1234567
                 */
                accountNo: components["parameters"]["AccountNo"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActivePaymentOrderList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
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
                 *       "client_id": "my-client",
                 *       "client_secret": "sandbox-secret",
                 *       "ledgerNo": "501"
                 *     }
                 */
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description Token issued. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
